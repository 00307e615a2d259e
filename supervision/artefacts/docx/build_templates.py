"""Make the Word templates supplied for the session documents (actions.docx, minutes.docx,
conference_extract.docx in this folder).

Run it again after changing it, and commit the .docx files:

    .venv/bin/python supervision/artefacts/docx/build_templates.py

The templates hold docxtpl (Jinja) tags and no words of their own: every heading comes from
`labels`, in the language of the document, so one template serves English and Welsh. An
administrator can start from one of these files to make their own (Admin > Word templates).
The fields are those of `supervision.artefacts.rendering.document_context`:

    marking, handling, title, intro, case_line, version_line, status_line, labels.<name>,
    session.date / time / type / venue,
    actions[]: label, description, owner, agency, due, serves, status, completion_note,
    no_actions_reason[], progress[]: when, target, due, monitored_by, how, review_date,
    principles.attendees[]: name, agency; principles.what_matters[], family_words[],
    outcomes[]: whose, text, status; strengths[]: kind, text;
    risks[]: rank, trying_to_avoid, from_whose_view, moments;
    balancing[]: heading, entries[]: text, raised_by; scaling[]: participant, score; spread;
    balancing_summary[], information_shared[], learning_points[],
    safety_plan.recorded, steps[]: who, what, where, when_trigger, help_route,
    contingency[], agreed_by, not_applicable, not_applicable_reason, shares[].
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
GREY = RGBColor(0x50, 0x5A, 0x5F)


def new_document() -> DocumentObject:
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(18)
    section.top_margin, section.bottom_margin = Mm(20), Mm(18)
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10.5)
    for name, size in (("Title", 24), ("Heading 1", 15), ("Heading 2", 12)):
        style = document.styles[name]
        style.font.name = "Arial"
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = header.add_run("{{ marking }}")
    run.bold = True
    run.font.size = Pt(8)
    footer = section.footer.paragraphs[0]
    small = footer.add_run("{{ version_line }}")
    small.font.size = Pt(8)
    small.font.color.rgb = GREY
    return document


def paragraph(
    document: DocumentObject, text: str, *, bold: bool = False, grey: bool = False
) -> None:
    run = document.add_paragraph().add_run(text)
    run.bold = bold
    if grey:
        run.font.color.rgb = GREY


def lines(document: DocumentObject, field: str) -> None:
    """One paragraph per line of a multi-line text field."""
    document.add_paragraph(f"{{%p for line in {field} %}}")
    document.add_paragraph("{{ line }}")
    document.add_paragraph("{%p endfor %}")


def opening(document: DocumentObject) -> None:
    marking = document.add_paragraph()
    marking.add_run("{{ marking }}").bold = True
    marking.add_run(" {{ handling }}")
    paragraph(document, "{{ case_line }}", grey=True)
    document.add_paragraph("{{ title }}", style="Title")
    document.add_paragraph("{%p if intro %}")
    document.add_paragraph("{{ intro }}")
    document.add_paragraph("{%p endif %}")
    paragraph(document, "{{ version_line }}")
    table = document.add_table(rows=3, cols=2)
    table.style = "Table Grid"
    for row, (label, value) in zip(
        table.rows,
        (
            ("labels.date", "{{ session.date }}, {{ session.time }}"),
            ("labels.type", "{{ session.type }}"),
            ("labels.venue", "{{ session.venue }}"),
        ),
        strict=True,
    ):
        row.cells[0].text = f"{{{{ {label} }}}}"
        row.cells[0].paragraphs[0].runs[0].bold = True
        row.cells[1].text = value
        row.cells[0].width, row.cells[1].width = Mm(40), Mm(134)


def looped_table(
    document: DocumentObject,
    headers: list[str],
    cells: list[list[str]],
    loop: str,
    widths: list[int] | None = None,
) -> None:
    """A table with a header row and one row per item of `loop` ("a in actions").
    Each cell is a list of paragraphs; `widths` in millimetres (174 in all)."""
    table = document.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.autofit = False
    if widths:
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Mm(width)
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = f"{{{{ labels.{header} }}}}"
        cell.paragraphs[0].runs[0].bold = True
    table.rows[1].cells[0].text = f"{{%tr for {loop} %}}"
    for cell, texts in zip(table.rows[2].cells, cells, strict=True):
        cell.text = texts[0]
        for text in texts[1:]:
            cell.add_paragraph(text)
    table.rows[3].cells[0].text = "{%tr endfor %}"


def actions_section(document: DocumentObject, *, with_status: bool) -> None:
    document.add_heading("{{ labels.actions }}", level=1)
    document.add_paragraph("{%p if status_line %}")
    document.add_paragraph("{{ status_line }}")
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("{%p if actions %}")
    last = (
        ("status", ["{{ a.status }}", "{{ a.completion_note }}"])
        if with_status
        else ("serves", ["{{ a.serves }}"])
    )
    looped_table(
        document,
        ["number", "action", "owner", "due", last[0]],
        [
            ["{{ a.label }}"],
            ["{{ a.description }}"],
            ["{{ a.owner }}", "{{ a.agency }}"],
            ["{{ a.due }}"],
            last[1],
        ],
        "a in actions",
        [16, 52, 40, 28, 38],
    )
    document.add_paragraph("{%p else %}")
    document.add_paragraph("{{ labels.no_actions }}")
    lines(document, "no_actions_reason")
    document.add_paragraph("{%p endif %}")


def progress_section(document: DocumentObject) -> None:
    document.add_heading("{{ labels.progress }}", level=1)
    looped_table(
        document,
        ["when", "target", "due", "monitored_by", "how"],
        [
            ["{{ p.when }}"],
            ["{{ p.target }}"],
            ["{{ p.due }}"],
            ["{{ p.monitored_by }}"],
            ["{{ p.how }}"],
        ],
        "p in progress",
        [24, 52, 28, 35, 35],
    )
    paragraph(document, "{{ labels.review_date }}: {{ review_date }}", bold=True)


def outcomes_section(document: DocumentObject) -> None:
    document.add_heading("{{ labels.outcomes }}", level=1)
    looped_table(
        document,
        ["whose", "outcome", "status"],
        [["{{ o.whose }}"], ["{{ o.text }}"], ["{{ o.status }}"]],
        "o in principles.outcomes",
        [34, 104, 36],
    )


def chair_summary_section(document: DocumentObject) -> None:
    document.add_heading("{{ labels.chair_summary }}", level=1)
    document.add_heading("{{ labels.information_shared }}", level=2)
    lines(document, "principles.information_shared")
    document.add_heading("{{ labels.learning_points }}", level=2)
    lines(document, "principles.learning_points")


def actions_template() -> DocumentObject:
    document = new_document()
    opening(document)
    actions_section(document, with_status=False)
    progress_section(document)
    return document


def conference_template() -> DocumentObject:
    document = new_document()
    opening(document)
    outcomes_section(document)
    actions_section(document, with_status=True)
    chair_summary_section(document)
    return document


def minutes_template() -> DocumentObject:
    document = new_document()
    opening(document)
    document.add_heading("{{ labels.attendees }}", level=1)
    document.add_paragraph("{%p for a in principles.attendees %}")
    document.add_paragraph("{{ a.name }}, {{ a.agency }}", style="List Bullet")
    document.add_paragraph("{%p endfor %}")
    document.add_heading("{{ labels.what_matters }}", level=1)
    lines(document, "principles.what_matters")
    document.add_heading("{{ labels.family_words }}", level=2)
    lines(document, "principles.family_words")
    outcomes_section(document)
    document.add_heading("{{ labels.strengths }}", level=1)
    document.add_paragraph("{%p for s in principles.strengths %}")
    document.add_paragraph("{{ s.kind }}: {{ s.text }}", style="List Bullet")
    document.add_paragraph("{%p endfor %}")
    document.add_heading("{{ labels.risks }}", level=1)
    looped_table(
        document,
        ["rank", "trying_to_avoid", "from_whose_view", "moments"],
        [
            ["{{ r.rank }}"],
            ["{{ r.trying_to_avoid }}"],
            ["{{ r.from_whose_view }}"],
            ["{{ r.moments }}"],
        ],
        "r in principles.risks",
        [16, 62, 36, 60],
    )
    document.add_heading("{{ labels.safety_plan }}", level=1)
    document.add_paragraph("{%p if safety_plan.recorded %}")
    looped_table(
        document,
        ["who", "what", "where", "when_trigger", "help_route"],
        [
            ["{{ i.who }}"],
            ["{{ i.what }}"],
            ["{{ i.where }}"],
            ["{{ i.when_trigger }}"],
            ["{{ i.help_route }}"],
        ],
        "i in safety_plan.steps",
        [28, 54, 28, 32, 32],
    )
    document.add_heading("{{ labels.contingency }}", level=2)
    lines(document, "safety_plan.contingency")
    paragraph(document, "{{ labels.agreed_by }}: {{ safety_plan.agreed_by }}")
    document.add_heading("{{ labels.out_of_hours }}", level=2)
    document.add_paragraph("{%p if safety_plan.not_applicable %}")
    document.add_paragraph("{{ labels.not_applicable }}: {{ safety_plan.not_applicable_reason }}")
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("{%p for s in safety_plan.shares %}")
    document.add_paragraph("{{ s }}", style="List Bullet")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{%p else %}")
    document.add_paragraph("{{ labels.none }}")
    document.add_paragraph("{%p endif %}")
    document.add_heading("{{ labels.balancing }}", level=1)
    document.add_paragraph("{%p for c in principles.balancing %}")
    document.add_heading("{{ c.heading }}", level=2)
    document.add_paragraph("{%p for b in c.entries %}")
    document.add_paragraph(
        "{{ b.text }} ({{ labels.raised_by }}: {{ b.raised_by }})", style="List Bullet"
    )
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{%p if principles.scaling %}")
    document.add_heading("{{ labels.scaling }}", level=2)
    document.add_paragraph("{{ labels.scaling_scale }}")
    document.add_paragraph("{{ principles.spread }}")
    looped_table(
        document,
        ["participant", "score"],
        [["{{ s.participant }}"], ["{{ s.score }}"]],
        "s in principles.scaling",
        [60, 20],
    )
    document.add_paragraph("{%p endif %}")
    document.add_heading("{{ labels.balancing_summary }}", level=2)
    lines(document, "principles.balancing_summary")
    actions_section(document, with_status=False)
    progress_section(document)
    chair_summary_section(document)
    return document


def main() -> None:
    for name, build in (
        ("actions", actions_template),
        ("minutes", minutes_template),
        ("conference_extract", conference_template),
    ):
        document = build()
        document.core_properties.created = datetime(2026, 1, 1, tzinfo=UTC)
        document.core_properties.author = "Multi-agency supervision"
        document.core_properties.title = name
        document.save(str(HERE / f"{name}.docx"))


if __name__ == "__main__":
    main()
