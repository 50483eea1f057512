"""The domain model: the template as data, the records every stage passes on, and validation."""

from nianbao.schemas.errors import ConversionFailed, NianbaoError, UnreadableFile, WarehouseUnavailable
from nianbao.schemas.records import Cell, Finding, Provenance, Report, SourceFacts
from nianbao.schemas.template import TEMPLATE, Template

__all__ = [
    "TEMPLATE",
    "Cell",
    "ConversionFailed",
    "Finding",
    "NianbaoError",
    "Provenance",
    "Report",
    "SourceFacts",
    "Template",
    "UnreadableFile",
    "WarehouseUnavailable",
]
