"""The newsroom in a real browser: signing in, forged form posts refused, the editor
without JavaScript, the review queue (publish, withdraw, a newer version), the
Content-Security-Policy against injected and stored scripts, and axe on the newsroom pages.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

import pytest
import requests
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import (
    APPROVER,
    DESKTOP,
    EDITOR,
    NARROW,
    axe_clean,
    bulletin_count,
    public_status,
    publish,
    shot,
    sign_in,
)
from tests.conftest import ROOT
from tests.e2e.stack import Stack

CSRF_REFUSED = "Phiên làm việc đã hết hạn hoặc thiếu mã chống giả mạo (CSRF)"
LOGIN_ERROR = "Tên đăng nhập hoặc mật khẩu không đúng"
DESCRIBED = """(id) => { const c = document.getElementById(id);
  const ids = (c.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
  return {invalid: c.getAttribute('aria-invalid'),
          described: ids.map(i => document.getElementById(i).innerText).join(' | ')}; }"""


def unique(title: str) -> str:
    return f"{title} {uuid.uuid4().hex[:6]}"


def draft(stack: Stack, title: str, **fields: str) -> int:
    """A draft submitted through the API with the stack's editor token."""
    body = {"title": title, "lead": "Sapo của bản tin thử.",
            "body": "Câu thứ nhất của bản tin. Câu thứ hai của bản tin.", "author": "Hoàng Anh",
            **fields}
    resp = requests.post(f"{stack.url}/api/v1/bulletins", json=body, headers=stack.headers(),
                         timeout=30)
    assert resp.status_code == 202, resp.text
    bid: int = resp.json()["id"]
    return bid


def paste_of(title: str) -> str:
    return (f"26/06/2020\n{title}\nSapo ngắn của bản tin gửi từ trang soạn.\n"
            "Đoạn nội dung thứ nhất. Có hai câu.\nĐoạn nội dung thứ hai.\nHoàng Anh\n")


def state_of(stack: Stack, bid: int) -> str:
    """The publication state, as staff see it."""
    resp = requests.get(f"{stack.url}/api/v1/bulletins/{bid}", headers=stack.headers(),
                        timeout=30)
    assert resp.status_code == 200, resp.text
    return str(resp.json()["state"])


# (a) Signing in ---------------------------------------------------------------------------

def test_wrong_password_then_sign_in_lands_on_editor(new_page: Callable[..., Any],
                                                     stack: Stack) -> None:
    page = new_page()
    page.goto(f"{stack.url}/editor")
    assert urlparse(page.url).path == "/login", "the editor asks to sign in first"
    assert "next=%2Feditor" in page.url or "next=/editor" in page.url, page.url
    assert page.locator("header .account").get_by_role("link", name="Đăng nhập").count() == 1

    page.get_by_label("Tên đăng nhập").fill(EDITOR["name"])
    page.get_by_label("Mật khẩu").fill("mat-khau-sai-roi")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Đăng nhập").click()
    assert answer.value.status == 401
    page.wait_for_load_state("load")
    alert = page.get_by_role("alert")
    assert LOGIN_ERROR in alert.inner_text()
    # The error is tied to the fields: each is invalid and described by the message.
    for field in ("ten", "mat-khau"):
        info = page.evaluate(DESCRIBED, field)
        assert info["invalid"] == "true", (field, info)
        assert LOGIN_ERROR in info["described"], (field, info)
    assert page.get_by_label("Tên đăng nhập").input_value() == EDITOR["name"], "name kept"
    assert page.get_by_label("Mật khẩu").input_value() == "", "a password is never echoed"
    assert EDITOR["password"] not in page.content()
    shot(page, "login-error")

    page.get_by_label("Mật khẩu").fill(EDITOR["password"])
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập").click()
    assert urlparse(page.url).path == "/editor", "back where sign-in was asked for"
    assert page.locator("h1").inner_text() == "Soạn bản tin"
    account = page.locator("header .account")
    assert EDITOR["name"] in account.inner_text() and "biên tập viên" in account.inner_text()
    nav = page.get_by_role("navigation", name="Chính")
    assert nav.get_by_role("link", name="Duyệt bản tin").count() == 0, "editors do not review"
    assert nav.get_by_role("link", name="Nhật ký").count() == 0

    # Signing out ends the session: the editor asks to sign in again.
    with page.expect_navigation():
        account.get_by_role("button", name="Đăng xuất").click()
    assert urlparse(page.url).path == "/"
    assert page.locator("header .account").get_by_role("link", name="Đăng nhập").count() == 1
    page.goto(f"{stack.url}/editor")
    assert urlparse(page.url).path == "/login"
    assert page.js_errors == []


def test_sign_in_never_redirects_off_site(new_page: Callable[..., Any], stack: Stack) -> None:
    page = new_page()
    page.goto(f"{stack.url}/login?next=//example.com/trang-gia")
    page.get_by_label("Tên đăng nhập").fill(EDITOR["name"])
    page.get_by_label("Mật khẩu").fill(EDITOR["password"])
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập").click()
    assert page.url == f"{stack.url}/editor"


# (b) Forged form posts --------------------------------------------------------------------

def test_forged_form_posts_are_refused_and_store_nothing(new_page: Callable[..., Any],
                                                         stack: Stack) -> None:
    page = new_page(user=EDITOR)
    title = unique("Tin giả mạo không được lưu")
    before = bulletin_count(stack)

    # The editor's form with its hidden token changed, posted as a plain form (as a forged
    # cross-site form would be: `form.submit()` fires no submit handler).
    page.get_by_label("Nội dung bản tin").fill(paste_of(title))
    page.locator("#editor-form input[name=csrf_token]").evaluate("e => { e.value = 'gia-mao'; }")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.locator("#editor-form").evaluate("f => f.submit()")
    assert answer.value.status == 400
    page.wait_for_load_state("load")
    assert CSRF_REFUSED in page.locator("body").inner_text()
    assert bulletin_count(stack) == before

    # No token at all, with the session cookie (the context's own request client).
    resp = page.request.post(f"{stack.url}/editor", form={"paste": paste_of(title)},
                             max_redirects=0)
    assert resp.status == 400 and CSRF_REFUSED in resp.text()
    assert bulletin_count(stack) == before
    page.goto(f"{stack.url}/editor")
    assert title not in page.locator("#ban-nhap-cua-toi + *").inner_text()

    # The review queue's "Xuất bản" with a tampered token: the draft stays a draft.
    bid = draft(stack, unique("Bản nháp không bị xuất bản lén"))
    approver = new_page(user=APPROVER)
    approver.goto(f"{stack.url}/review")
    form = approver.locator(f"form[action='/review/{bid}/publish']")
    form.locator("input[name=csrf_token]").evaluate("e => { e.value = 'gia-mao'; }")
    with approver.expect_response(lambda r: r.request.method == "POST") as answer:
        form.get_by_role("button").click()
    assert answer.value.status == 400
    approver.wait_for_load_state("load")
    assert CSRF_REFUSED in approver.locator("body").inner_text()
    assert state_of(stack, bid) == "draft"
    assert public_status(stack, f"/bulletins/{bid}") == 404
    # The untouched form still works (the refusal was the token, not the approver).
    approver.goto(f"{stack.url}/review")
    with approver.expect_navigation():
        approver.locator(f"form[action='/review/{bid}/publish']").get_by_role("button").click()
    assert state_of(stack, bid) == "published"


# (c) The editor without JavaScript ---------------------------------------------------------

def test_editor_submits_without_javascript(new_page: Callable[..., Any], stack: Stack) -> None:
    page = new_page(java_script_enabled=False, user=EDITOR)
    assert urlparse(page.url).path == "/editor"

    # An error first: the page comes back with a Vietnamese summary, the paste kept.
    page.get_by_label("Nội dung bản tin").fill("Chỉ có tiêu đề")
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi bản tin để duyệt").click()
    summary = page.locator("#loi-gui")
    assert summary.get_attribute("role") == "alert"
    text = summary.inner_text()
    assert "Chưa gửi được bản tin" in text
    assert "Nội dung" in text or "Tiêu đề" in text, text
    assert "body" not in text and "title" not in text, text
    assert page.get_by_label("Nội dung bản tin").input_value() == "Chỉ có tiêu đề"
    paste = page.evaluate(DESCRIBED, "paste")
    assert paste["invalid"] == "true", paste
    assert text.splitlines()[-1] in paste["described"], paste
    assert summary.get_by_role("link").first.get_attribute("href") == "#paste"
    shot(page, "editor-no-javascript-error")

    # Then a real bulletin: a draft, shown with its banner.
    title = unique("Bản tin gửi không cần JavaScript")
    page.get_by_label("Nội dung bản tin").fill(paste_of(title))
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi bản tin để duyệt").click()
    path = urlparse(page.url).path
    assert path.startswith("/bulletins/"), page.url
    bid = int(path.rsplit("/", 1)[1])
    assert page.locator("h1").inner_text() == title
    banner = page.locator(".state-banner")
    assert "Bản nháp" in banner.inner_text() and "người đọc chưa thấy" in banner.inner_text()
    assert banner.get_attribute("data-state") == "draft"
    shot(page, "draft-no-javascript")
    assert public_status(stack, path) == 404, "readers do not see a draft"
    assert state_of(stack, bid) == "draft"

    # And it is in "Bản tin của tôi", with its state.
    page.goto(f"{stack.url}/editor")
    mine = page.locator("section[aria-labelledby=ban-nhap-cua-toi]")
    item = mine.locator("li", has=page.get_by_role("link", name=title))
    assert item.count() == 1
    assert "Bản nháp" in item.inner_text() and "phiên bản 1" in item.inner_text()
    assert item.get_by_role("link").get_attribute("href") == path


# (d) The review queue ----------------------------------------------------------------------

def test_review_publish_then_withdraw(new_page: Callable[..., Any], stack: Stack) -> None:
    title = unique("Tin chờ duyệt trên trang duyệt")
    bid = draft(stack, title)
    reader = new_page()
    reader.goto(f"{stack.url}/")
    assert reader.get_by_role("link", name=title).count() == 0
    assert public_status(stack, f"/bulletins/{bid}") == 404

    page = new_page(user=APPROVER)
    nav = page.get_by_role("navigation", name="Chính")
    assert nav.get_by_role("link", name="Nhật ký").count() == 1
    with page.expect_navigation():
        nav.get_by_role("link", name="Duyệt bản tin").click()
    assert urlparse(page.url).path == "/review"
    waiting = page.locator("section[aria-labelledby=cho-duyet]")
    published = page.locator("section[aria-labelledby=da-xuat-ban]")
    assert title in waiting.inner_text() and title not in published.inner_text()
    shot(page, "review-waiting")
    with page.expect_navigation():
        waiting.get_by_role("button", name=f"Xuất bản “{title}”", exact=True).click()
    assert urlparse(page.url).path == "/review"
    assert title in published.inner_text() and title not in waiting.inner_text()

    # A reader now finds it on the front page and can open it.
    reader.goto(f"{stack.url}/")
    with reader.expect_navigation():
        reader.get_by_role("link", name=title).click()
    assert urlparse(reader.url).path == f"/bulletins/{bid}"
    assert reader.locator("h1").inner_text() == title
    assert reader.locator(".state-banner").count() == 0, "readers see no staff banner"
    for path in (f"/embed/{bid}", f"/bulletins/{bid}/status.json", f"/api/v1/bulletins/{bid}"):
        assert public_status(stack, path) == 200, path

    # A newer version: readers keep the published one until it too is published.
    newer = f"{title} (đã sửa)"
    resp = requests.patch(f"{stack.url}/api/v1/bulletins/{bid}", json={"title": newer},
                          headers=stack.headers(), timeout=30)
    assert resp.status_code == 202, resp.text
    page.reload()
    row = published.locator("li", has=page.get_by_role("link", name=newer))
    assert "đang phát phiên bản 1" in row.inner_text()
    reader.reload()
    assert reader.locator("h1").inner_text() == title
    with page.expect_navigation():
        row.get_by_role("button", name=f"Xuất bản phiên bản mới “{newer}”", exact=True).click()
    reader.reload()
    assert reader.locator("h1").inner_text() == newer

    # Withdrawn: gone from the front page and the reading page again.
    with page.expect_navigation():
        published.get_by_role("button", name=f"Gỡ bản tin “{newer}”", exact=True).click()
    assert newer in waiting.inner_text() and newer not in published.inner_text()
    assert "Đã gỡ" in waiting.locator("li", has=page.get_by_role("link", name=newer)).inner_text()
    reader.goto(f"{stack.url}/")
    assert reader.get_by_role("link", name=newer).count() == 0
    assert reader.get_by_role("link", name=title).count() == 0
    answer = reader.goto(f"{stack.url}/bulletins/{bid}")
    assert answer is not None and answer.status == 404
    for path in (f"/embed/{bid}", f"/bulletins/{bid}/status.json", f"/api/v1/bulletins/{bid}"):
        assert public_status(stack, path) == 404, path

    # Every step is in the audit log, in Vietnamese.
    page.goto(f"{stack.url}/audit?bulletin={bid}")
    actions = page.locator("table.audit tbody tr td:nth-child(3)").all_inner_texts()
    assert actions == ["gỡ bản tin", "xuất bản", "sửa bản tin", "xuất bản", "tạo bản tin"], actions
    assert page.js_errors == [] and reader.js_errors == []


# (e) The Content-Security-Policy -------------------------------------------------------------

#: Listens for what the CSP refuses; installed before any page script (not itself subject
#: to the page's CSP, as a browser's own tooling is not).
WATCH_CSP = """window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || '')));"""
#: What an attacker's markup would try: an inline script (both ways it can be added) and an
#: inline style attribute.
INJECT = """() => {
  const s = document.createElement('script');
  s.textContent = 'window.__x = 1;';
  document.body.appendChild(s);
  document.body.insertAdjacentHTML('beforeend',
    '<p id="tiem" style="color: rgb(255, 0, 0)">tiêm</p>' +
    '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" onerror="window.__y = 1" ' +
    'onload="window.__y = 1">');
}"""


def test_templates_and_scripts_need_nothing_the_csp_forbids() -> None:
    """No inline script, inline event handler, `javascript:` URL, inline style or <style>
    in any template; no eval-like call or style attribute written by our scripts."""
    static = ROOT / "service" / "web" / "static"
    templates = sorted((ROOT / "service" / "web" / "templates").glob("*.html"))
    assert templates
    forbidden = {
        "inline <script>": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I),
        "style attribute": re.compile(r"\sstyle\s*=", re.I),
        "<style>": re.compile(r"<style[\s>]", re.I),
        "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
        "javascript: URL": re.compile(r"(href|src|action)\s*=\s*[\"']?\s*javascript:", re.I),
    }
    comment = re.compile(r"\{#.*?#\}", re.S)  # Jinja comments never reach the browser
    found = [f"{t.name}: {what}" for t in templates for what, rx in forbidden.items()
             if rx.search(comment.sub("", t.read_text(encoding="utf-8")))]
    scripts = sorted(static.glob("*.js"))
    assert scripts
    in_js = {
        "eval-like call": re.compile(
            r"\beval\s*\(|new\s+Function\s*\(|set(Timeout|Interval)\(\s*[\"']"),
        "style attribute": re.compile(r"setAttribute\(\s*[\"']style|\.style\.cssText|cssText\s*="),
        "HTML from strings": re.compile(r"\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML|"
                                        r"document\.write"),
    }
    found += [f"{js.name}: {what}" for js in scripts for what, rx in in_js.items()
              if rx.search(js.read_text(encoding="utf-8"))]
    assert found == []


def test_csp_headers_on_every_page(stack: Stack, bulletin: dict[str, Any]) -> None:
    bid = bulletin["id"]
    for path in ("/", f"/bulletins/{bid}", f"/embed/{bid}", "/login", "/editor", "/review",
                 "/audit", f"/bulletins/{bid}/status.json", "/api/v1/bulletins"):
        resp = requests.get(stack.url + path, timeout=30, allow_redirects=False)
        csp = resp.headers.get("Content-Security-Policy", "")
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
        assert directives.get("script-src") == "'self'", (path, csp)
        assert directives.get("style-src") == "'self'", (path, csp)
        assert directives.get("object-src") == "'none'", (path, csp)
        framing = "*" if path.startswith("/embed/") else "'none'"
        assert directives.get("frame-ancestors") == framing, (path, csp)
        assert resp.headers.get("X-Content-Type-Options") == "nosniff", path
        assert resp.headers.get("Referrer-Policy"), path


def test_csp_blocks_injected_inline_script_and_style(new_page: Callable[..., Any], stack: Stack,
                                                     bulletin: dict[str, Any]) -> None:
    # The probe itself works: on a page without our CSP the same injection runs.
    control = new_page()
    control.set_content("<!doctype html><html lang='vi'><body><p>x</p></body></html>")
    control.evaluate(INJECT)
    control.wait_for_function("() => window.__y === 1")
    assert control.evaluate("window.__x") == 1
    assert control.evaluate("getComputedStyle(document.getElementById('tiem')).color") \
        == "rgb(255, 0, 0)"

    for path in (f"/bulletins/{bulletin['id']}", "/editor"):
        page = new_page(user=EDITOR if path == "/editor" else None)
        page.add_init_script(WATCH_CSP)
        page.goto(stack.url + path)
        page.wait_for_load_state("load")
        assert page.evaluate("window.__csp") == [], "the page itself breaks no rule"
        page.evaluate(INJECT)
        page.wait_for_function("() => window.__csp.length >= 3")
        refused = " | ".join(page.evaluate("window.__csp"))
        assert "script-src-elem" in refused and "style-src-attr" in refused, refused
        assert "script-src-attr" in refused, refused
        page.wait_for_timeout(300)
        assert page.evaluate("typeof window.__x") == "undefined", path
        assert page.evaluate("typeof window.__y") == "undefined", path
        color = page.evaluate("getComputedStyle(document.getElementById('tiem')).color")
        assert color != "rgb(255, 0, 0)", path
        # Chromium reports each refusal on the console too (what `js_errors` collects).
        assert any("Content Security Policy" in e for e in page.js_errors), page.js_errors


def test_stored_script_in_a_title_is_only_text(new_page: Callable[..., Any],
                                               stack: Stack) -> None:
    title = "<script>window.__x=1</script><img src=x onerror=window.__y=1> Tin thử"
    bid = draft(stack, title, lead="<script>window.__x=2</script> Sapo có mã.")
    publish(stack, bid)
    reader = new_page()
    reader.add_init_script(WATCH_CSP)
    checks = [(reader, f"/bulletins/{bid}"), (reader, f"/embed/{bid}"), (reader, "/")]
    approver = new_page(user=APPROVER)
    approver.add_init_script(WATCH_CSP)
    checks += [(approver, "/review"), (approver, f"/bulletins/{bid}")]
    for page, path in checks:
        page.goto(stack.url + path)
        page.wait_for_load_state("load")
        page.wait_for_timeout(200)
        assert page.evaluate("typeof window.__x") == "undefined", path
        assert page.evaluate("typeof window.__y") == "undefined", path
        shown = page.get_by_text(title.strip(), exact=False)
        assert shown.count() >= 1, f"{path}: the title is shown as text"
        # Escaped, so there was nothing for the CSP to refuse either.
        assert page.evaluate("window.__csp") == [], path
        assert page.evaluate("document.querySelectorAll('main img[src=x], main script:not([src])')"
                             ".length") == 0, path
    reader.goto(f"{stack.url}/bulletins/{bid}")
    assert reader.locator("h1").inner_text() == title
    assert title in reader.title()
    assert reader.js_errors == [] and approver.js_errors == []


# (f) axe on the newsroom pages ---------------------------------------------------------------

STATES: dict[str, tuple[dict[str, int], dict[str, str]]] = {
    "default": (DESKTOP, {}),
    "narrow-320-text-200": (NARROW, {"size": "200"}),
    "contrast": (DESKTOP, {"theme": "contrast", "spacing": "wide"}),
}




@pytest.mark.parametrize("state", list(STATES))
def test_newsroom_pages_have_no_axe_violations(state: str, axe: Axe, new_page: Callable[..., Any],
                                               stack: Stack, bulletin: dict[str, Any]) -> None:
    viewport, cookies = STATES[state]
    wide = viewport == DESKTOP
    draft(stack, unique("Bản nháp cho trang duyệt"))  # something waiting in the queue

    page = new_page(viewport=viewport, cookies=cookies)
    page.goto(f"{stack.url}/login")
    axe_clean(axe, page, f"login {state}", wide)
    page.get_by_label("Tên đăng nhập").fill(EDITOR["name"])
    page.get_by_label("Mật khẩu").fill("mat-khau-sai-roi")
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập").click()
    assert page.get_by_role("alert").count() == 1
    axe_clean(axe, page, f"login-error {state}", wide)

    # The editor, signed in, with the script's error summary and then the server's.
    sign_in(page, stack, EDITOR)
    page.get_by_role("button", name="Gửi bản tin để duyệt").click()
    page.locator("#loi-tom-tat").wait_for()
    axe_clean(axe, page, f"editor-error {state}", wide)
    page.goto(f"{stack.url}/editor")
    with page.expect_navigation():
        page.locator("#editor-form").evaluate("f => f.submit()")  # as if without the script
    assert page.locator("#loi-gui[role=alert]").count() == 1
    axe_clean(axe, page, f"editor-server-error {state}", wide)

    approver = new_page(viewport=viewport, cookies=cookies, user=APPROVER)
    for path in ("/review", "/audit"):
        approver.goto(stack.url + path)
        axe_clean(axe, approver, f"{path.strip('/')} {state}", wide)
    assert page.js_errors == [] and approver.js_errors == []
