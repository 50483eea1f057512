"""nianbao: government information disclosure annual reports into one checked DuckDB warehouse.

The Python API (docs/python-api.md): `read`, `read_findings`, `connect`, `cells`, `wide`.
"""

from nianbao.api import cells, connect, read, read_findings, wide

__version__ = "0.1.0"

__all__ = ["__version__", "cells", "connect", "read", "read_findings", "wide"]
