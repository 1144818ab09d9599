"""Sotong settings. Everything comes from the environment; the defaults are the embedded shape
(SQLite, in-process cache, channel layer and task queue) that needs nothing installed but Python.

core: Django, Wagtail, the two shapes, security and logging; channels: e-mail, KakaoTalk, SMS/알림톡 and Web
Push; domains: the voice, Open311, the scheduler, the district and safety. docs/operations.md lists every
variable."""

from config.settings.channels import *  # noqa: F403
from config.settings.core import *  # noqa: F403
from config.settings.domains import *  # noqa: F403
