// Placeholder: built in a following step.
import { PageHeader } from "../components/ui";

export default function CollectionsPage() {
  return <PageHeader title="Collections" />;
}
