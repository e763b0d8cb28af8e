/// The console's stylesheet and its one script, served from `/admin/` (the CSP allows only
/// these: no inline style or script, nothing from another origin).
enum Assets {
    static let stylesheet = """
        :root { --ink: #1d2330; --muted: #5b6475; --line: #d5dae3; --accent: #1f5fbf; --bad: #b3261e; --ok: #1e7b34; --bg: #f6f7f9; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
        header { background: #fff; border-bottom: 1px solid var(--line); }
        nav[aria-label=Main] { display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: center; max-width: 72rem; margin: 0 auto; padding: .6rem 1rem; }
        nav a { color: var(--accent); text-decoration: none; }
        nav a:hover, nav a:focus { text-decoration: underline; }
        .brand { font-weight: 700; color: var(--ink); margin-right: 1rem; }
        .sign-out { margin-left: auto; }
        .who { color: var(--muted); }
        main { max-width: 72rem; margin: 1rem auto; padding: 0 1rem 3rem; }
        main.narrow { max-width: 26rem; margin-top: 4rem; }
        h1 { font-size: 1.5rem; margin: .5rem 0 1rem; }
        h2 { font-size: 1.15rem; margin: 1.75rem 0 .5rem; }
        section, .card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 1rem 1.25rem; margin: 1rem 0; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; background: #fff; }
        th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: break-word; }
        th { font-weight: 600; color: var(--muted); font-size: .85rem; white-space: nowrap; }
        label { display: block; font-weight: 600; margin: .75rem 0 .25rem; }
        label.check { font-weight: 400; display: flex; gap: .5rem; align-items: baseline; }
        .hint { color: var(--muted); font-size: .85rem; margin: .1rem 0 .3rem; }
        input[type=text], input[type=password], input[type=search], select, textarea { font: inherit; width: 100%; max-width: 32rem; padding: .4rem .5rem; border: 1px solid #9aa3b2; border-radius: 4px; background: #fff; }
        textarea { min-height: 5rem; }
        input:focus, select:focus, textarea:focus, button:focus, a:focus { outline: 3px solid #8ab4f8; outline-offset: 1px; }
        button { font: inherit; padding: .4rem .9rem; border: 1px solid var(--accent); background: var(--accent); color: #fff; border-radius: 4px; cursor: pointer; }
        button.secondary { background: #fff; color: var(--accent); }
        button.danger { background: #fff; color: var(--bad); border-color: var(--bad); }
        form.inline { display: inline; }
        .actions { display: flex; flex-wrap: wrap; gap: .5rem; margin: 1rem 0; }
        .notice { background: #e8f1fd; border: 1px solid #b6d0f5; padding: .6rem .9rem; border-radius: 4px; }
        .error, .field-error { color: var(--bad); }
        .error-box { background: #fdecea; border: 1px solid #f2b8b5; padding: .6rem .9rem; border-radius: 4px; color: var(--bad); }
        .empty { color: var(--muted); font-style: italic; }
        td:last-child { min-width: 12rem; word-break: break-word; }
        .secret { font-family: ui-monospace, monospace; background: #fff8e1; border: 1px solid #f0d58a; padding: .4rem .6rem; border-radius: 4px; overflow-wrap: anywhere; display: inline-block; max-width: 100%; }
        .state-on { color: var(--ok); } .state-off { color: var(--bad); }
        .pager { display: flex; gap: 1rem; margin: 1rem 0; }
        .filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; }
        .filters label { margin: 0; }
        .filters input, .filters select { width: 12rem; }
        .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
        code { font-family: ui-monospace, monospace; font-size: .9em; }
        @media (max-width: 40rem) { body { font-size: 16px; } th, td { padding: .35rem .4rem; } .sign-out { margin-left: 0; } }
        """

    /// Copy buttons and confirmations; the console works without it.
    static let script = """
        document.addEventListener('click', function (event) {
          var button = event.target.closest('[data-copy]');
          if (!button) return;
          var source = document.getElementById(button.getAttribute('data-copy'));
          if (source && navigator.clipboard) {
            navigator.clipboard.writeText(source.textContent.trim()).then(function () { button.textContent = 'Copied'; });
          }
        });
        document.addEventListener('submit', function (event) {
          var question = event.target.getAttribute('data-confirm');
          if (question && !window.confirm(question)) { event.preventDefault(); return; }
          var busy = event.target.getAttribute('data-busy');
          var button = event.submitter || event.target.querySelector('button');
          if (busy && button) {
            setTimeout(function () { button.disabled = true; button.textContent = busy; }, 0);
          }
        });
        document.addEventListener('DOMContentLoaded', function () {
          document.querySelectorAll('[data-copy]').forEach(function (b) { b.hidden = false; });
        });
        """
}
