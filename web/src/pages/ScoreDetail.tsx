// Placeholder: built in a following step.
import { PageHeader } from "../components/ui";

export default function ScoreDetailPage() {
  return <PageHeader title="ScoreDetail" />;
}
