"""What apps above tracking add to its pages and its API, registered from their
``AppConfig.ready`` (see ``kit.panels``):

- ``objective_page``: panels of the objective page, each built from
  ``(request, objective, as_of, past, rules)`` when the page first reads it (the board's
  challenges, the impact's findings, measures and evidence);
- ``worklist``: panels of the person's worklist, built from ``(request)`` (the challenges waiting
  for their answer);
- ``drift_api``: fields of each objective in ``/api/drift/``, each built from
  ``(plan, as_of, stale_after_days=..., objective_ids=...)`` as ``{objective id: list}`` (an
  objective it leaves out gets an empty list; ``objective_ids`` None means all). What a field
  shows must change only with a history record that ``tracking.stamps`` says touches the
  objective: each objective's part of the body is kept under its stamp;
- ``drift_api_plan``: keys of the plan in ``/api/drift/``, each built from
  ``(plan, as_of, drift=...)`` as any JSON value (the board's ``board``); ``drift`` is the
  plan's drift at D, or its brief (``tracking.api_body.Brief``: the rules and each
  objective's ``id``, ``ref`` and ``rag`` in the contract's order), so use only those.
"""

from kit.panels import Panels

objective_page = Panels("objective page")
worklist = Panels("worklist")
drift_api = Panels("drift API")
drift_api_plan = Panels("drift API plan")
