"""What apps above tracking add to its pages and its API, registered from their
``AppConfig.ready`` (see ``kit.panels``):

- ``objective_page``: panels of the objective page, each built from
  ``(request, objective, as_of, past, rules)`` when the page first reads it (the board's
  challenges, the impact's findings, measures and evidence);
- ``worklist``: panels of the person's worklist, built from ``(request)`` (the challenges waiting
  for their answer);
- ``drift_api``: fields of each objective in ``/api/drift/``, each built from
  ``(plan, as_of, stale_after_days=...)`` as ``{objective id: list}`` (an objective it leaves out
  gets an empty list);
- ``drift_api_plan``: keys of the plan in ``/api/drift/``, each built from
  ``(plan, as_of, drift=...)`` (the plan's drift at D) as any JSON value (the board's
  ``board``).
"""

from kit.panels import Panels

objective_page = Panels("objective page")
worklist = Panels("worklist")
drift_api = Panels("drift API")
drift_api_plan = Panels("drift API plan")
