"""The site's date style in English: "Feb 28, 2027", written the same on every page,
e-mail and PDF. `{{ value|date }}` and cmeledger.lib.credits.day_text use it; other
languages keep Django's formats for their locale."""

DATE_FORMAT = "M j, Y"
DATETIME_FORMAT = "M j, Y H:i"
SHORT_DATE_FORMAT = "M j, Y"
SHORT_DATETIME_FORMAT = "M j, Y H:i"
MONTH_DAY_FORMAT = "M j"
YEAR_MONTH_FORMAT = "M Y"
