"""The ``graphkb_concepts`` spaCy component: concept mentions on the Doc as plain data.

Reads ``doc.text``; writes ``doc._.gkb_mentions``, a list of ``(concept_id, start_char, end_char,
surface)`` tuples (plain data, never Span objects, so Docs pickle and cross processes).  It runs the
same ``ConceptMatcher`` as ``graphkb build`` over the concept base (bundled scheme plus
``concept_files``).  Works on any tokenizer (``spacy.blank("zh")``, ``spacy.blank("en")``)::

    nlp = spacy.blank("zh")
    nlp.add_pipe("graphkb_concepts", config={"concept_files": ["my.ttl"]})
    doc = nlp("细水长flow之NICE")
    doc._.gkb_mentions  # [('flow-model', 3, 7, 'flow'), ('nice', 8, 12, 'NICE')]
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..link.conceptbase import load_concept_base
from .matcher import ConceptMatcher

if not Doc.has_extension("gkb_mentions"):
    Doc.set_extension("gkb_mentions", default=None)


class ConceptComponent:
    """Finds concept mentions in ``doc.text`` and stores them in ``doc._.gkb_mentions``."""

    def __init__(self, nlp: Language, name: str, concept_files: list[str], use_default: bool, blockers: bool):
        self.name = name
        self.matcher = ConceptMatcher(load_concept_base(concept_files, use_default=use_default), blockers=blockers)

    def __call__(self, doc: Doc) -> Doc:
        doc._.gkb_mentions = [(m.concept, m.start, m.end, m.surface) for m in self.matcher.find(doc.text)]
        return doc


@Language.factory(
    "graphkb_concepts",
    assigns=["doc._.gkb_mentions"],
    default_config={"concept_files": [], "use_default": True, "blockers": True},
)
def make_concept_matcher(nlp: Language, name: str, concept_files: list[str], use_default: bool,
                         blockers: bool) -> ConceptComponent:
    """The factory spaCy calls for ``nlp.add_pipe("graphkb_concepts")``."""
    return ConceptComponent(nlp, name, list(concept_files), use_default, blockers)


def mention_spans(doc: Doc) -> list[Span]:
    """``doc._.gkb_mentions`` as Spans (expanded to whole tokens), labelled with the concept id."""
    out = []
    for cid, start, end, _ in doc._.gkb_mentions or ():
        span = doc.char_span(start, end, label=cid, alignment_mode="expand")
        if span is not None:
            out.append(span)
    return out
