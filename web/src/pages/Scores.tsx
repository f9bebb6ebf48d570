// Placeholder: built in a following step.
import { PageHeader } from "../components/ui";

export default function ScoresPage() {
  return <PageHeader title="Scores" />;
}
