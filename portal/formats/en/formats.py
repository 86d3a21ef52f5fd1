"""English dates as ISO-like 2027-01-05 / 2027-01-05 14:02: a Turkish or Chinese buyer reading the English pages
cannot mistake them for US month/day dates."""
DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
TIME_FORMAT = "H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
# The shown format first (form fields display their value in it), then what people also type.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S",
                          "%d.%m.%Y %H:%M", "%d/%m/%Y %H:%M"]
