// Placeholder: built in a following step.
import { PageHeader } from "../components/ui";

export default function RepertoirePage() {
  return <PageHeader title="Repertoire" />;
}
