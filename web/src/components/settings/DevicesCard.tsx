// The devices that sync this account (GET /api/sync/devices): connected now, or when last seen.
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";
import { useSession } from "../../auth/session";
import { formatAgo, formatDateTime } from "../../i18n/format";
import { useOffline } from "../../offline/context";
import { Badge, Button, Card, ErrorBanner, Spinner } from "../ui";
import { useOnline } from "../goals/useOnline";

/** store.Device */
interface Device {
  device_id: string;
  name: string;
  cursor: number;
  last_seen_at: string;
  connected: boolean;
}

export function DevicesCard() {
  const { t, i18n } = useTranslation("settings");
  const online = useOnline();
  const { engine } = useOffline();
  const timeZone = useSession((s) => s.user?.timezone);
  const devices = useQuery({
    queryKey: ["remote", "sync_devices"],
    queryFn: ({ signal }) => api<{ devices: Device[] }>("/api/sync/devices", { signal }),
    enabled: online,
  });
  const lng = i18n.language;

  return (
    <Card
      title={t("devices.title")}
      actions={
        <Button className="btn-small" variant="ghost" onClick={() => void devices.refetch()} disabled={!online || devices.isFetching}>
          {t("devices.refresh")}
        </Button>
      }
    >
      {!online && !devices.data ? (
        <p className="muted small">{t("offline")}</p>
      ) : devices.isPending ? (
        <Spinner />
      ) : devices.isError ? (
        <ErrorBanner error={devices.error} />
      ) : devices.data.devices.length === 0 ? (
        <p className="muted small">{t("devices.none")}</p>
      ) : (
        <ul className="list" data-testid="devices">
          {devices.data.devices.map((d) => {
            const seconds = (Date.now() - Date.parse(d.last_seen_at)) / 1000;
            return (
              <li key={d.device_id} className="list-item device-item">
                <div>
                  <h3>{d.name || t("devices.unnamed")}</h3>
                  <p className="muted small device-id">{d.device_id}</p>
                </div>
                <div className="row">
                  {d.device_id === engine.device ? <Badge tone="info">{t("devices.thisDevice")}</Badge> : null}
                  {d.connected ? (
                    <Badge tone="good">{t("devices.connected")}</Badge>
                  ) : (
                    <span className="small muted" title={formatDateTime(d.last_seen_at, lng, timeZone)}>
                      {t("devices.lastSeen", { when: formatAgo(Math.max(0, seconds), lng) })}
                    </span>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}
