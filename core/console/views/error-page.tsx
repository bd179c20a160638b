import type { Lang, Translate } from '../i18n.ts';
import { type HeaderOperator, Layout, Notice } from './layout.tsx';

export interface ErrorPageProps {
  t: Translate;
  lang: Lang;
  here: string;
  title: string;
  /** One line: what happened and what to do. */
  message: string;
  operator?: HeaderOperator | undefined;
}

/** A console error in the console's language: 404, 403, 503 and the rest. */
export function ErrorPage({ t, lang, here, title, message, operator }: ErrorPageProps) {
  return (
    <Layout t={t} lang={lang} title={title} here={here} operator={operator}>
      <Notice kind="error">{message}</Notice>
      <p>
        <a href="/admin">{t('error.backHome')}</a>
      </p>
    </Layout>
  );
}
