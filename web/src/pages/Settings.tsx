// Settings: the profile (name, instrument, timezone, language), the account's data (export,
// import), the devices that sync it, and deleting the account.
import { useTranslation } from "react-i18next";
import { PageHeader } from "../components/ui";
import { DangerZone } from "../components/settings/DangerZone";
import { DataCard } from "../components/settings/DataCard";
import { DevicesCard } from "../components/settings/DevicesCard";
import { ProfileCard } from "../components/settings/ProfileCard";

export default function SettingsPage() {
  const { t } = useTranslation("settings");
  return (
    <div className="settings">
      <PageHeader title={t("title")} />
      <ProfileCard />
      <DataCard />
      <DevicesCard />
      <DangerZone />
    </div>
  );
}
