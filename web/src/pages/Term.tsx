// Placeholder: built in a following step.
import { PageHeader } from "../components/ui";

export default function TermPage() {
  return <PageHeader title="Term" />;
}
