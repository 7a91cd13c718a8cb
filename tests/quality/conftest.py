"""The whole-system checks use the suite's own fixtures (users of every role, entries)."""

from cmeledger.conftest import *  # noqa: F403 - pytest finds fixtures by name here
