"""The template parser: Document -> sections, tables, canonical cells and metadata -> Report."""
