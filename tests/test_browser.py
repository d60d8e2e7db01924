"""The explorer in headless Chromium, opened from disk with every network request blocked.

Needs Debian's chromium (installed by .ci/run); skipped with a reason where it is absent.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from graphkb.export.html import write_html
from graphkb.graph.assemble import assemble
from graphkb.model import Citation, CitationRef, Concept, Extraction, Mention, Post, Source
from graphkb.vocab import CONCEPT_IRI

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CRF = Concept(id="crf", iri=CONCEPT_IRI + "crf", pref=(("zh", "条件随机场"), ("en", "Conditional Random Field")),
              alt=(("en", "CRF"),))
XSS_TITLES = ("<img src=x onerror=alert(1)>", "</script><script>window.pwned=1</script>")


def _mentions(body: str, cid: str, surface: str) -> tuple[Mention, ...]:
    return tuple(Mention(cid, m.start(), m.end(), surface) for m in re.finditer(re.escape(surface), body))


def _graph():
    """Invented posts: one on CRF (by both names), one citing it, and three whose title or URL is hostile."""
    crf = Post(title="条件随机场入门", date="2018-04-01", body="条件随机场(CRF)是判别式模型；CRF常用于分词。",
               sources=(Source("own.md", 1),), url="https://blog.example.org/archives/7", readers=88)
    citing = Post(title="再谈分词", date="2020-09-09", body="上次在《条件随机场入门》里讲过条件随机场。",
                  sources=(Source("own.md", 4),))
    hostile = [Post(title=t, date="2021-01-0" + str(i + 1), body="这一篇的标题不怀好意。", sources=(Source("own.md", 10 + i),))
               for i, t in enumerate(XSS_TITLES)]
    js_url = Post(title="链接不可点", date="--06-01", body="网址是脚本。", sources=(Source("own.md", 20),),
                  url="javascript:alert(1)")
    posts = [crf, citing, *hostile, js_url]
    ex = {crf.key: Extraction.from_mentions(_mentions(crf.body, "crf", "条件随机场") + _mentions(crf.body, "crf", "CRF")),
          citing.key: Extraction.from_mentions(_mentions(citing.body, "crf", "条件随机场"))}
    ref = CitationRef("title", "条件随机场入门", 3, 11, citing.body)
    cites = [Citation(citing.key, ref, "post", target=crf.key, name=crf.title)]
    cites += [Citation(h.key, CitationRef("title", "x", 0, 1, "<b>粗体</b>不该生效"), "paper", name="<svg onload=alert(2)>")
              for h in hostile]
    return assemble(posts, ex, cites, {"crf": CRF})


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium fonts-wqy-microhei)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed (pip install -e '.[test]')")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Opened:
    """A page opened from disk: every other request is aborted and recorded, like every console error."""

    def __init__(self, browser, path: Path):
        self.url = path.resolve().as_uri()
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.page.route("**/*", self._route)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.goto(self.url)
        self.page.wait_for_selector("body[data-drawn]", state="attached", timeout=60_000)

    def _route(self, route):
        if route.request.url == self.url:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def index_of(self, iri: str) -> int:
        return self.page.evaluate("iri => window.gkb.indexOf(iri)", iri)

    def click_node(self, i: int) -> None:
        # centre the node first, so that the side panel (over the right edge) never covers it
        x, y = self.page.evaluate("""i => {
            const net = window.gkb.network;
            net.moveTo({position: net.getPositions([i])[i], scale: 1.5, animation: false});
            const p = net.canvasToDOM(net.getPositions([i])[i]);
            const r = document.querySelector('#graph canvas').getBoundingClientRect();
            return [r.left + p.x, r.top + p.y];
        }""", i)
        self.page.mouse.click(x, y)

    def search(self, text: str) -> None:
        self.page.fill("#search", text)
        self.page.press("#search", "Enter")

    def clean(self) -> bool:
        return not self.blocked and not self.errors and not self.dialogs


@pytest.fixture(scope="module")
def own_page(tmp_path_factory):
    path = tmp_path_factory.mktemp("explorer") / "graph.html"
    g = _graph()
    write_html(g, str(path))
    return path, g


def _drawn(opened: Opened) -> bool:
    return opened.page.evaluate("""() => {
        const c = document.querySelector('#graph canvas');
        return !!c && c.width > 0 && c.height > 0 && document.body.dataset.drawn === '1';
    }""")


def test_browser_own_graph_is_drawn_offline(browser, own_page):
    opened = Opened(browser, own_page[0])
    assert _drawn(opened) and opened.clean(), (opened.blocked, opened.errors, opened.dialogs)


def _explore(opened: Opened) -> None:
    """What a reader does first: search CRF by its Chinese name, then click the most central post."""
    opened.search("条件随机场")
    assert opened.page.text_content("#panel h2") == "条件随机场"
    assert opened.page.evaluate("window.gkb.network.getSelectedNodes()") == [opened.index_of(opened.page.evaluate("window.gkb.selected()"))]
    post = opened.page.evaluate("window.gkb.nodes.findIndex(n => n.kind === 'post')")
    opened.click_node(post)
    assert opened.page.text_content("#panel h2") == opened.page.evaluate("i => window.gkb.info(i).title", post)
    assert opened.page.text_content("#panel .kind") == "post"


def test_browser_demo_graph_is_drawn_offline(browser, demo_build):
    opened = Opened(browser, Path(demo_build[1]) / "graph.html")
    assert _drawn(opened)
    _explore(opened)
    assert opened.clean(), (opened.blocked, opened.errors, opened.dialogs)


def test_browser_search_focuses_the_crf_node(browser, own_page):
    opened = Opened(browser, own_page[0])
    opened.search("条件随机场")
    assert opened.page.evaluate("window.gkb.selected()") == CRF.iri
    assert opened.page.evaluate("window.gkb.network.getSelectedNodes()") == [opened.index_of(CRF.iri)]
    assert opened.page.text_content("#panel h2") == "条件随机场" and opened.clean()


@pytest.mark.parametrize("query", ["crf", "Conditional random"])
def test_browser_search_finds_english_names_and_acronyms(browser, own_page, query):
    opened = Opened(browser, own_page[0])
    opened.page.fill("#search", query)
    assert "条件随机场" in opened.page.text_content("#results")


def test_browser_click_on_a_post_opens_its_panel(browser, own_page):
    path, g = own_page
    opened = Opened(browser, path)
    post = next(n for n, a in g.nodes(data=True) if a.get("title") == "条件随机场入门")
    opened.click_node(opened.index_of(post))
    panel = opened.page.locator("#panel")
    assert panel.is_visible() and opened.page.text_content("#panel h2") == "条件随机场入门"
    assert "再谈分词" in panel.text_content() and "88" in panel.text_content()
    assert opened.page.get_attribute("#panel a", "href") == "https://blog.example.org/archives/7"
    assert opened.page.get_attribute("#panel a", "rel") == "noopener noreferrer" and opened.clean()


def test_browser_hostile_titles_and_urls_render_as_text(browser, own_page):
    path, g = own_page
    opened = Opened(browser, path)
    for title in (*XSS_TITLES, "链接不可点"):
        node = next(n for n, a in g.nodes(data=True) if a.get("title") == title)
        opened.click_node(opened.index_of(node))
        assert opened.page.text_content("#panel h2") == title
    assert "javascript:alert(1)" in opened.page.text_content("#panel")
    opened.search("svg onload")
    assert "<svg onload=alert(2)>" in opened.page.text_content("#results")
    page = opened.page
    assert page.evaluate("window.pwned") is None
    assert page.locator("img, svg, b").count() == 0 and page.locator("a[href^='javascript']").count() == 0
    assert opened.clean(), (opened.blocked, opened.errors, opened.dialogs)


def test_browser_type_filter_hides_posts(browser, own_page):
    opened = Opened(browser, own_page[0])
    opened.page.uncheck("#type-post")
    hidden = opened.page.evaluate("""() => window.gkb.network.body.data.nodes.get()
        .filter(n => n.hidden).map(n => n.id)""")
    assert len(hidden) == 5 and opened.index_of(CRF.iri) not in hidden


def test_browser_year_filter_keeps_posts_without_a_year_apart(browser, own_page):
    opened = Opened(browser, own_page[0])
    opened.page.uncheck("#no-year")
    hidden = opened.page.evaluate("""() => window.gkb.network.body.data.nodes.get().filter(n => n.hidden).length""")
    assert hidden == 1


def test_browser_colour_toggle_switches_the_legend(browser, own_page):
    opened = Opened(browser, own_page[0])
    opened.page.check("input[name=colour][value=community]")
    assert "community" in opened.page.text_content("#legend") and opened.clean()


@pytest.mark.shared
@pytest.mark.slow
def test_browser_kexue_dev_graph_is_drawn_offline(browser, shared, tmp_path):
    from graphkb.build import build

    build([str(shared / "corpus" / "kexue-dev" / "posts")], str(tmp_path))
    opened = Opened(browser, tmp_path / "graph.html")
    assert _drawn(opened)
    _explore(opened)
    assert opened.clean(), (opened.blocked, opened.errors, opened.dialogs)
