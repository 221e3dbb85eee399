"""English dates and times as Canyu shows them: Django's, with the 24-hour clock.

Orange Friday is "17:00" to everyone who takes part, and Django's "5 p.m." ends
in a full stop, so every sentence ending with a time ended in two ("Reports open
on Dec. 11, 2026, 5 p.m..").
"""

DATETIME_FORMAT = "N j, Y, H:i"
SHORT_DATETIME_FORMAT = "m/d/Y H:i"
TIME_FORMAT = "H:i"
