"""The whole-system checks use the suite's own fixtures (users of every role, entries),
including its autouse one: media in a temporary folder, background jobs run inline."""

from cmeledger.conftest import *  # noqa: F403 - pytest finds fixtures by name here
from cmeledger.conftest import _media_in_tmp  # noqa: F401 - `import *` skips it
