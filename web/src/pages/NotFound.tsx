import { Link } from "react-router";
import { useTranslation } from "react-i18next";

export default function NotFound() {
  const { t } = useTranslation();
  return (
    <main id="main" className="center-page">
      <h1>{t("notFound.title")}</h1>
      <p>{t("errors.notFound")}</p>
      <Link className="btn btn-primary" to="/logbook">
        {t("notFound.home")}
      </Link>
    </main>
  );
}
