import type { Lang, Translate } from '../i18n.ts';
import { CsrfField, Layout, Notice } from './layout.tsx';

export interface LoginPageProps {
  t: Translate;
  lang: Lang;
  here: string;
  csrfToken: string;
  next: string;
  /** What went wrong or happened, one line. */
  notice?: { kind: 'error' | 'ok' | 'info'; text: string } | undefined;
}

export function LoginPage({ t, lang, here, csrfToken, next, notice }: LoginPageProps) {
  return (
    <Layout t={t} lang={lang} title={t('login.title')} here={here}>
      <div class="login">
        {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
        <p>{t('login.intro')}</p>
        <form method="post" action="/admin/login">
          <CsrfField token={csrfToken} />
          <input type="hidden" name="next" value={next} />
          <div class="field">
            <label for="key">{t('login.key')}</label>
            <input id="key" name="key" type="password" autocomplete="current-password" required maxlength={500} autofocus />
          </div>
          <button type="submit">{t('login.submit')}</button>
        </form>
      </div>
    </Layout>
  );
}
