"""Format readers -> one document model -> the template parser -> a Report."""

from nianbao.extractors.api import PARSER_VERSION, extract_file, read_document

__all__ = ["PARSER_VERSION", "extract_file", "read_document"]
