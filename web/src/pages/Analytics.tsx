// Placeholder: built in a following step.
import { PageHeader } from "../components/ui";

export default function AnalyticsPage() {
  return <PageHeader title="Analytics" />;
}
