"""The run settings (defined next to the flows that use them, so that `flows` need not import `nianbao`)."""

from flows.settings import Settings

__all__ = ["Settings"]
