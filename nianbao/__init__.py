"""nianbao: government information disclosure annual reports into one checked DuckDB warehouse."""

__version__ = "0.1.0"
