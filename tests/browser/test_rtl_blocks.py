"""Persian pages read as one block from the right: a timeline entry's English title starts
beside its date and dot, not at the far left of the page (issue 13)."""

from typing import Any


def test_a_persian_timeline_entry_starts_on_the_right(page: Any, site: str) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{site}/fa/partnerships/florence-isfahan/")
    boxes = page.evaluate(
        """Array.from(document.querySelectorAll('.timeline .event-title')).map(p => {
            const inner = p.firstElementChild || p;
            const text = inner.getBoundingClientRect(), block = p.getBoundingClientRect();
            return [block.right - text.right, p.textContent.trim()];
        })"""
    )
    assert boxes, "the timeline has entries"
    # Each title's text ends (in reading order: begins) at its column's right edge.
    assert all(gap < 2 for gap, _title in boxes), boxes


def test_a_persian_citation_keeps_its_english_gloss_in_brackets(page: Any, site: str) -> None:
    page.goto(f"{site}/fa/partnerships/florence-isfahan/")
    glosses = page.locator(".citation-source .translation").all_inner_texts()
    assert glosses and all(g.startswith("(") and g.endswith(")") for g in glosses), glosses
