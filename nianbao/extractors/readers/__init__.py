"""Format readers: one file format each -> the one document model (extractors.document)."""
