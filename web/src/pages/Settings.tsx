// Placeholder: built in a following step.
import { PageHeader } from "../components/ui";

export default function SettingsPage() {
  return <PageHeader title="Settings" />;
}
