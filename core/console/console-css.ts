/**
 * The console's one stylesheet, served from /admin/assets/console.css (the CSP allows no inline style). Colours
 * keep a contrast of at least 4.5:1 on their backgrounds; focus is always visible.
 */
export const CONSOLE_CSS = `
*{box-sizing:border-box}
html{font-family:system-ui,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;font-size:15px;color:#1a1a1a;background:#f6f7f9}
body{margin:0}
a{color:#0b4f9c}
a:hover{color:#07366b}
:focus-visible{outline:3px solid #b35900;outline-offset:2px}
.skip{position:absolute;left:-9999px;top:0;background:#fff;padding:.5rem}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.skip:focus{left:.5rem}
.top{display:flex;flex-wrap:wrap;align-items:center;gap:1rem;padding:.6rem 1rem;background:#12355b;color:#fff}
.top a{color:#fff}
.brand{margin:0;font-weight:700}
.top nav ul{display:flex;gap:1rem;list-style:none;margin:0;padding:0}
.search{display:flex;align-items:center;gap:.4rem;margin-left:auto}
.search label{position:absolute;left:-9999px}
.search input{width:18rem}
.who{display:flex;align-items:center;gap:.8rem;font-size:.9rem}
.who form{margin:0}
main{padding:1rem 1.5rem;max-width:100rem}
main:focus{outline:none}
h1{font-size:1.5rem;margin:.2rem 0 1rem}
h2{font-size:1.2rem;margin:1.5rem 0 .6rem}
table{border-collapse:collapse;width:100%;background:#fff;margin-bottom:1rem}
caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{border:1px solid #c9ced6;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#e8ecf2}
td.num,th.num{text-align:right}
input,select,button,textarea{font:inherit;padding:.3rem .5rem;border:1px solid #5b6573;border-radius:3px;background:#fff;color:#1a1a1a}
button,.button{background:#0b4f9c;color:#fff;border-color:#0b4f9c;cursor:pointer;text-decoration:none;display:inline-block;padding:.3rem .7rem;border-radius:3px}
button.secondary,.button.secondary{background:#fff;color:#0b4f9c}
button.danger{background:#a4161a;border-color:#a4161a}
.top button{background:#fff;color:#12355b;border-color:#fff}
.filters{display:flex;flex-wrap:wrap;gap:.6rem 1rem;align-items:flex-end;background:#fff;padding:.8rem;border:1px solid #c9ced6;margin-bottom:1rem}
.filters div,.field{display:flex;flex-direction:column;gap:.2rem}
.field{margin-bottom:.8rem;max-width:40rem}
label{font-weight:600;font-size:.9rem}
.actions{display:flex;flex-wrap:wrap;gap:.6rem;margin:.8rem 0}
.notice{padding:.6rem .8rem;border-left:5px solid;background:#fff}
.notice-error{border-color:#a4161a;color:#7a0f12}
.notice-ok{border-color:#1b6e32;color:#14532a}
.notice-info{border-color:#0b4f9c}
.status{display:inline-block;padding:0 .4rem;border-radius:3px;font-size:.85rem;font-weight:600;border:1px solid}
.status-queued,.status-processing{color:#6b4300;background:#fff4d6}
.status-succeeded{color:#14532a;background:#e3f4e8}
.status-dead{color:#7a0f12;background:#fbe4e4}
.status-cancelled{color:#3d434b;background:#eceef1}
.status-other{color:#1a1a1a;background:#eceef1}
.bad{color:#7a0f12;font-weight:600}
.good{color:#14532a}
pre{background:#fff;border:1px solid #c9ced6;padding:.6rem;overflow:auto;max-height:30rem;white-space:pre-wrap;word-break:break-word}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;background:#fff;padding:.8rem;border:1px solid #c9ced6}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0}
.muted{color:#4a525c}
ol.timeline{list-style:none;padding:0}
ol.timeline li{background:#fff;border:1px solid #c9ced6;border-left:5px solid #0b4f9c;padding:.5rem .8rem;margin-bottom:.5rem}
.login{max-width:32rem}
.login input{width:100%}
`;
