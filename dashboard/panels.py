"""The panels apps above the dashboard show on it, registered from their ``AppConfig.ready``
(the board's: the date the counts are compared with, the board pack, open challenges).

Each is built from the request and the dashboard's data (``selectors.Dashboard``) and reaches the
dashboard's template under its name. A panel that picks the day the counts are compared with says
so as ``compare_day``; the dashboard then compares with that day.
"""

from kit.panels import Panels

dashboard = Panels("dashboard")
