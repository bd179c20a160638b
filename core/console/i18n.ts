import { en } from './dictionary-en.ts';
import { type LabelKey, vi } from './dictionary-vi.ts';

export type { LabelKey } from './dictionary-vi.ts';

/** The console's languages: Vietnamese first, English by the switch. */
export type Lang = 'vi' | 'en';

/** The cookie that remembers the language an operator chose. */
export const LANG_COOKIE = 'lienthong_lang';

const DICTIONARIES: Record<Lang, Record<LabelKey, string>> = { vi, en };

/** A label in one language, its `{name}` placeholders filled. */
export type Translate = (key: LabelKey, params?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  const dictionary = DICTIONARIES[lang];
  return (key, params) => {
    const label = dictionary[key];
    if (!params) return label;
    return label.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  };
}

/** The language a cookie names; Vietnamese unless it says English. */
export const langOf = (cookie: string | undefined): Lang => (cookie === 'en' ? 'en' : 'vi');
