// Placeholder: built in a following step.
import { PageHeader } from "../components/ui";

export default function DictionaryPage() {
  return <PageHeader title="Dictionary" />;
}
