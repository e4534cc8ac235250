"""Finishing touches to the board pack PDF's structure tree, made after WeasyPrint has built it
and before it is written (WeasyPrint's documented ``finisher`` hook of ``write_pdf``).

- Each table header (TH) carries the ``/Scope`` its HTML ``scope`` attribute gives (``/Column``
  or ``/Row``), so a screen reader reading the PDF knows what each header heads. WeasyPrint links
  cells to their headers but leaves the scope out.
- The running header and footer (the page margins: plan, dates, page number) are marked as
  artifacts. WeasyPrint tags their text as content that belongs to no element of the tree; an
  artifact is how PDF 1.7 (PDF/UA-1) says "page furniture, skip it".
"""

from __future__ import annotations

import pydyf

SCOPES = {"col": "/Column", "colgroup": "/Column", "row": "/Row", "rowgroup": "/Row"}


def finish(document, pdf) -> None:
    """The ``finisher`` passed to ``write_pdf``."""
    scope_table_headers(document)
    mark_margins_as_artifacts(pdf)


def scope_table_headers(document) -> None:
    for page in document.pages:
        for box in page._page_box.descendants():  # noqa: SLF001 (the laid-out page, read only)
            mark = getattr(box, "mark", None)
            if getattr(box, "element_tag", None) != "th" or not isinstance(mark, pydyf.Dictionary):
                continue
            scope = SCOPES.get((box.element.attrib.get("scope") or "").lower())
            if scope and isinstance(mark.get("A"), pydyf.Dictionary):
                mark["A"]["Scope"] = scope


def _number(reference) -> int | None:
    if isinstance(reference, bytes):
        reference = reference.decode()
    if isinstance(reference, str) and reference.endswith(" R"):
        return int(reference.split()[0])
    return None


def mark_margins_as_artifacts(pdf) -> None:
    objects = {obj.number: obj for obj in pdf.objects if hasattr(obj, "number")}
    elements = {
        number: obj
        for number, obj in objects.items()
        if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/StructElem"
    }
    root = next(
        (
            o
            for o in objects.values()
            if isinstance(o, pydyf.Dictionary) and o.get("Type") == "/StructTreeRoot"
        ),
        None,
    )
    if root is None:
        return
    reachable: set[int] = set()
    todo = [root]
    while todo:
        node = todo.pop()
        kids = node.get("K", [])
        for kid in kids if isinstance(kids, list | pydyf.Array) else [kids]:
            number = _number(kid)
            if number in elements and number not in reachable:
                reachable.add(number)
                todo.append(elements[number])
    # Marked content of elements outside the tree, by page: the margin boxes.
    orphaned: dict[int, set[int]] = {}
    for number, element in elements.items():
        if number in reachable:
            continue
        page = _number(element.get("Pg"))
        kids = element.get("K", [])
        for kid in kids if isinstance(kids, list | pydyf.Array) else [kids]:
            if isinstance(kid, int) and page is not None:
                orphaned.setdefault(page, set()).add(kid)
    for page_number, mcids in orphaned.items():
        page = objects.get(page_number)
        contents = objects.get(_number(page.get("Contents"))) if page is not None else None
        if isinstance(contents, pydyf.Stream):
            contents.stream = _as_artifacts(contents.stream, mcids)


def _as_artifacts(operations: list, mcids: set[int]) -> list:
    """``/Tag <</MCID n>> BDC`` becomes ``/Artifact BMC`` for each n in ``mcids``."""
    out: list = []
    i = 0
    while i < len(operations):
        op = operations[i]
        nxt = operations[i + 1] if i + 1 < len(operations) else None
        if (
            isinstance(nxt, pydyf.Dictionary)
            and nxt.get("MCID") in mcids
            and i + 2 < len(operations)
            and operations[i + 2] == b"BDC"
        ):
            out.extend(["/Artifact", b"BMC"])
            i += 3
            continue
        out.append(op)
        i += 1
    return out
