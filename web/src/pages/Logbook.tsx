import { PageHeader } from "../components/ui";
export default function LogbookPage() {
  return <PageHeader title="Logbook" />;
}
