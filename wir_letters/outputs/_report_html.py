"""The Jinja2 templates of the report page and of a recipient's detail page (autoescaped).

Self-contained: inline CSS and plain inline JavaScript, nothing from a network.
"""

_STYLE = """
body{font:14px/1.4 system-ui,"DejaVu Sans",Arial,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em;margin:0 0 .2em}
.meta{color:#555;margin:0 0 1em}
.counts span{display:inline-block;margin-right:1em}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #ddd;padding:.4em .5em;text-align:left;vertical-align:top}
th{background:#f4f4f4;position:sticky;top:0}
img.thumb{border:1px solid #bbb;background:#fff}
.addr{white-space:pre-line;color:#444}
.id{color:#777;font-size:.9em}
.state{font-weight:bold;white-space:nowrap}
.s-failed .state{color:#b00}.s-built .state{color:#060}.s-removed .state{color:#777}
td.docs{white-space:nowrap;font-size:.92em}
.error{color:#b00}.fix{color:#444;font-size:.9em}
.tools{margin:1em 0;display:flex;gap:1em;align-items:center;flex-wrap:wrap}
.tools input{font-size:1em;padding:.3em;min-width:20em}
.warn{color:#8a5a00}
.pages figure{display:inline-block;margin:0 1em 1em 0;vertical-align:top}
.pages img{border:1px solid #bbb;max-width:100%;height:auto;background:#fff}
figcaption{color:#555;font-size:.9em}
"""

INDEX = """<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{{ campaign.title }}: Bericht</title>
<style>""" + _STYLE + """</style></head>
<body>
<h1>{{ campaign.title }}</h1>
<p class="meta">Kampagne vom {{ campaign.date.strftime("%d.%m.%Y") }} &middot; Bericht vom {{ today }}
&middot; {{ total }} Empfänger</p>
<p class="counts" id="counts">{% for state, n in counts %}<span data-count="{{ state }}">{{ n }} {{ state }}</span>{% endfor %}</p>
{% for w in warnings %}<p class="warn">warning: {{ w }}</p>{% endfor %}
<div class="tools">
<label>Suche <input type="search" id="search" placeholder="id, name, street, city …" autocomplete="off"></label>
<label>State <select id="state"><option value="">all</option>{% for s in states %}<option value="{{ s }}">{{ s }}</option>{% endfor %}</select></label>
<span id="shown">{{ total }} of {{ total }} shown</span>
</div>
<table id="recipients"><thead><tr><th>Page 1</th><th>Recipient</th><th>Documents</th><th>State</th></tr></thead><tbody>
{% for r in rows %}<tr class="s-{{ r.state.replace(' ', '-') }}" data-state="{{ r.state }}" data-search="{{ r.search }}" data-id="{{ r.id }}">
<td>{% if r.thumb %}<a href="{{ r.detail }}"><img class="thumb" src="{{ r.thumb.src }}" width="{{ r.thumb.width }}" height="{{ r.thumb.height }}" loading="lazy" alt="page 1 of {{ r.id }}"></a>{% endif %}</td>
<td>{% if r.detail %}<a href="{{ r.detail }}"><b>{{ r.name }}</b></a>{% else %}<b>{{ r.name }}</b>{% endif %} <span class="id">{{ r.id }}</span>
<div class="addr">{{ r.address | join("\\n") }}</div></td>
<td class="docs">{% if r.bundle %}<a href="{{ r.bundle }}">{{ "folder" if r.state == "removed" else "bundle" }}</a>{% if r.pages %} ({{ r.pages }} pages){% endif %}{% endif %}
{% for p in r.parts %}<br><a href="{{ p.href }}">{{ p.title }}</a> ({{ p.pages }}){% endfor %}</td>
<td><span class="state">{{ r.state }}</span>{% if r.error %}<div class="error">{{ r.error }}</div>{% endif %}{% if r.fix %}<div class="fix">{{ r.fix }}</div>{% endif %}</td>
</tr>
{% endfor %}</tbody></table>
<script>
(function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll("#recipients tbody tr"));
  var search = document.getElementById("search"), state = document.getElementById("state");
  var shown = document.getElementById("shown");
  function apply() {
    var words = search.value.toLowerCase().split(/\\s+/).filter(Boolean), want = state.value, n = 0;
    rows.forEach(function (row) {
      var text = row.getAttribute("data-search");
      var ok = (!want || row.getAttribute("data-state") === want) &&
               words.every(function (w) { return text.indexOf(w) !== -1; });
      row.hidden = !ok;
      if (ok) { n += 1; }
    });
    shown.textContent = n + " of " + rows.length + " shown";
  }
  search.addEventListener("input", apply);
  state.addEventListener("change", apply);
  apply();
})();
</script>
</body></html>
"""

DETAIL = """<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{{ row.name }} ({{ row.id }}): {{ campaign.title }}</title>
<style>""" + _STYLE + """</style></head>
<body>
<p><a href="{{ up }}index.html">&larr; all recipients</a></p>
<h1>{{ row.name }}</h1>
<p class="meta"><span class="id">{{ row.id }}</span> &middot; {{ row.state }} &middot; {{ row.pages }} pages</p>
<div class="addr">{{ row.address | join("\\n") }}</div>
<p>{% if row.bundle %}<a href="{{ up }}{{ row.bundle }}">bundle</a>{% endif %}
{% for p in row.parts %} &middot; <a href="{{ up }}{{ p.href }}">{{ p.title }}</a>{% endfor %}</p>
<div class="pages">
{% for page in pages %}<figure><img src="{{ page.src }}" width="{{ page.width }}" height="{{ page.height }}" loading="lazy" alt="page {{ loop.index }}"><figcaption>page {{ loop.index }} &middot; {{ page.part }}</figcaption></figure>
{% endfor %}</div>
</body></html>
"""
