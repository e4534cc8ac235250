"""Reading the plan: drift today (from the live rows) and on any past day (from history, read
once and kept), an objective's history timeline and milestone trend, the pages that show them
(landing page, worklist, objective page), the drift API and the history check.

It sits above ``objectives`` and ``milestones`` and reads both; neither of them imports it, so
a milestone depends on its objective and nothing depends back.
"""
