import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { Lang, Translate } from '../i18n.ts';

/** What the header needs of the signed-in operator; absent on the sign-in and error pages before sign-in. */
export interface HeaderOperator {
  keyId: string;
  agencies: readonly string[];
  csrfToken: string;
}

export interface LayoutProps {
  t: Translate;
  lang: Lang;
  title: string;
  /** The page's own address (path and query), where the language switch comes back to. */
  here: string;
  operator?: HeaderOperator | undefined;
  /** The search box's value, when the page is a search's answer. */
  search?: string | undefined;
  children?: Child;
}

/** Every console page: skip link, header with navigation, search and language switch, then the page's main part. */
export function Layout({ t, lang, title, here, operator, search, children }: LayoutProps) {
  const other: Lang = lang === 'vi' ? 'en' : 'vi';
  const switchHref = `/admin/language?to=${other}&back=${encodeURIComponent(here)}`;
  // The doctype keeps browsers out of quirks mode.
  return (
    <>
      {raw('<!doctype html>')}
      <html lang={lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          {/* htmx would otherwise add an inline <style>, which the CSP refuses. */}
          <meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false}' />
          <title>{`${title} · ${t('app.name')}`}</title>
          <link rel="stylesheet" href="/admin/assets/console.css" />
          <script src="/admin/assets/htmx.min.js" defer></script>
        </head>
        <body>
          <a class="skip" href="#main">
            {t('app.skip')}
          </a>
          <header class="top">
            <p class="brand">
              <a href="/admin">{t('app.name')}</a>
            </p>
            {operator && (
              <nav aria-label={t('nav.label')}>
                <ul>
                  <li><a href="/admin">{t('nav.overview')}</a></li>
                  <li><a href="/admin/messages">{t('nav.messages')}</a></li>
                  <li><a href="/admin/audit">{t('nav.audit')}</a></li>
                </ul>
              </nav>
            )}
            {operator && (
              <form class="search" method="get" action="/admin/search" role="search">
                <label for="site-search">{t('search.label')}</label>
                <input id="site-search" name="q" type="search" maxlength={200} value={search ?? ''} placeholder={t('search.placeholder')} />
                <button type="submit">{t('search.submit')}</button>
              </form>
            )}
            <div class="who">
              <a href={switchHref} lang={other} hreflang={other} aria-label={t('lang.switchLabel')}>
                {t('lang.switch')}
              </a>
              {operator && (
                <span>
                  {t('nav.signedInAs', { key: operator.keyId })} ({t('nav.scope', { agencies: operator.agencies.includes('*') ? t('nav.allAgencies') : operator.agencies.join(', ') })})
                </span>
              )}
              {operator && (
                <form method="post" action="/admin/logout">
                  <CsrfField token={operator.csrfToken} />
                  <button type="submit">{t('nav.signOut')}</button>
                </form>
              )}
            </div>
          </header>
          <main id="main" tabindex={-1}>
            <h1>{title}</h1>
            {children}
          </main>
        </body>
      </html>
    </>
  );
}

/** A one-line notice: what happened and what to do. */
export function Notice({ kind, children }: { kind: 'error' | 'ok' | 'info'; children?: Child }) {
  return (
    <p class={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </p>
  );
}

/** The hidden field every form of a session carries. */
export const CsrfField = ({ token }: { token: string }) => <input type="hidden" name="_csrf" value={token} />;
