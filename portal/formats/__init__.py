"""Date and time formats per language (FORMAT_MODULE_PATH): one date and one date-time format each."""
