// "Describe it": a sound or a marking in the reader's own words, searched by meaning.
import { useState, type FormEvent } from "react";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import type { AppLocale } from "../../i18n";
import { Button, Card, Empty, ErrorBanner, TextArea } from "../ui";
import { languageName, semanticSearch } from "./api";
import { HitList } from "./HitList";

export function DescribeForm({ lang }: { lang: AppLocale }) {
  const { t, i18n } = useTranslation("dictionary");
  const [text, setText] = useState("");
  const find = useMutation({ mutationFn: (query: string) => semanticSearch({ query, lang, limit: 10 }) });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const query = text.trim();
    if (query) find.mutate(query);
  };

  return (
    <Card title={t("describe.title")}>
      <form className="stack" onSubmit={submit}>
        <TextArea
          label={t("describe.label")}
          hint={t("describe.hint", { language: languageName(lang, i18n.language) })}
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={t("describe.placeholder")}
          maxLength={500}
          rows={3}
          required
        />
        <div className="row">
          <Button type="submit" variant="primary" busy={find.isPending} disabled={!text.trim()}>
            {t("describe.submit")}
          </Button>
          {find.data || find.error ? (
            <Button type="button" variant="ghost" onClick={() => find.reset()}>
              {t("common:clear")}
            </Button>
          ) : null}
        </div>
      </form>
      <div className="dict-results" aria-live="polite">
        <ErrorBanner error={find.error} />
        {find.data ? (
          find.data.hits.length ? (
            <HitList hits={find.data.hits} label={t("describe.results")} />
          ) : (
            <Empty>{t("describe.none")}</Empty>
          )
        ) : null}
      </div>
    </Card>
  );
}
