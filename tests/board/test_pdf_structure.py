"""The board pack PDF's structure tree, read back with pikepdf: table headers scoped, captions
as captions (never a table inside a table), the running header and footer as artifacts."""

import pikepdf

from .test_pdf import _pages, _pdf


def _walk(element, parents=()):
    """Each structure element under ``element`` with the tags of its ancestors."""
    kids = element.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid, parents
            yield from _walk(kid, (*parents, str(kid["/S"])))


def _tree(path):
    pdf = pikepdf.open(path)
    return pdf, list(_walk(pdf.Root.StructTreeRoot))


def test_every_table_header_carries_its_scope(client, board, leader, clock, tmp_path):
    _, tree = _tree(_pdf(client, leader, clock, tmp_path))
    headers = [(el, parents) for el, parents in tree if el["/S"] == "/TH"]
    assert len(headers) > 20
    for el, parents in headers:
        scope = str(el["/A"]["/Scope"])
        assert scope == ("/Column" if parents[-2] == "/THead" else "/Row")
    assert {str(el["/A"]["/Scope"]) for el, _ in headers} == {"/Column", "/Row"}


def test_captions_are_captions_and_no_table_sits_inside_another(
    client, board, leader, clock, tmp_path
):
    path = _pdf(client, leader, clock, tmp_path)
    _, tree = _tree(path)
    assert not [el for el, parents in tree if el["/S"] == "/Table" and "/Table" in parents]
    captions = [parents for el, parents in tree if el["/S"] == "/Caption"]
    assert len(captions) >= 4
    assert all(parents[-1] == "/Table" for parents in captions)
    assert "Open milestones due from 10 April 2026 to 30 April 2026" in "\n".join(_pages(path))


def test_the_running_header_and_footer_are_artifacts(client, board, leader, clock, tmp_path):
    path = _pdf(client, leader, clock, tmp_path)
    pdf, tree = _tree(path)
    in_tree: dict[tuple, set] = {}
    for el, _ in tree:
        kids = el.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, int):
                in_tree.setdefault(el["/Pg"].objgen, set()).add(int(kid))
    for page in pdf.pages:
        marked = set()
        artifacts = 0
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) == "BDC" and "/MCID" in operands[1]:
                marked.add(int(operands[1]["/MCID"]))
            if str(operator) == "BMC" and str(operands[0]) == "/Artifact":
                artifacts += 1
        # All marked text belongs to the tree: the page margins (plan, dates, page number)
        # are no longer content belonging to nothing, they are artifacts.
        assert marked and marked <= in_tree[page.obj.objgen]
        assert artifacts >= 3
    # The margins are still printed on every page.
    for n, text in enumerate(_pages(path), start=1):
        assert "As at 10 April 2026. Compared with the board on 5 March 2026." in text
        assert f"Page {n} of" in text
