"""The demo plan behind ``manage.py seed_demo``: a development tool, kept apart from the domain.

``story`` holds the fictional council's plan as data; the command replays it through the
services. Each other module adds one feature's part of the demo, also through the services and
backdated with ``recorded_at``: ``people`` (accounts, the leaver, publishing the plan),
``milestones`` (a withdrawal and a corrected completion), ``reminders`` (email addresses),
``board`` (meetings and challenges) and ``impact`` (findings, measures and evidence).
"""
