// The link anyone can open a public collection with, and a button that copies it.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../ui";

export function ShareLink({ slug }: { slug: string }) {
  const { t } = useTranslation("scores");
  const [copied, setCopied] = useState(false);
  const url = `${window.location.origin}/api/public/collections/${encodeURIComponent(slug)}`;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
      setTimeout(() => setCopied(false), 2500);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div className="score-share" data-testid="collection-share">
      <span className="small muted">{t("collections.shareLink")}</span>
      <div className="row">
        <a className="score-break" href={url} target="_blank" rel="noopener">
          {url}
        </a>
        {navigator.clipboard ? (
          <Button type="button" className="btn-small" onClick={() => void copy()}>
            {copied ? t("collections.copied") : t("collections.copy")}
          </Button>
        ) : null}
      </div>
    </div>
  );
}
