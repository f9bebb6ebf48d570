// Adds a score to one of my collections.
import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../../api/client";
import { Button, ErrorBanner, Select, Spinner, useToasts } from "../ui";
import { keys, useCollectionPicker } from "./data";
import type { CollectionResponse } from "./types";

export function AddToCollection({ scoreId }: { scoreId: string }) {
  const { t } = useTranslation(["scores", "common"]);
  const qc = useQueryClient();
  const push = useToasts((s) => s.push);
  const collections = useCollectionPicker();
  const [chosen, setChosen] = useState("");
  const add = useMutation({
    mutationFn: (id: string) => api<CollectionResponse>(`/api/collections/${id}/scores`, { method: "POST", body: { score_id: scoreId } }),
    onSuccess: (res) => {
      qc.setQueryData(keys.collection(res.id), res);
      void qc.invalidateQueries({ queryKey: keys.collectionList });
      push(t("collections.added", { name: res.name }));
      setChosen("");
    },
  });
  if (collections.isPending) return <Spinner />;
  if (collections.error) return <ErrorBanner error={collections.error} />;
  const items = collections.data.items;
  if (!items.length)
    return (
      <p className="muted">
        {t("collections.noneYet")} <Link to="/collections">{t("collections.create")}</Link>
      </p>
    );
  const id = chosen || items[0].id;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate(id);
  };
  return (
    <form className="stack" onSubmit={submit}>
      <div className="row add-to-collection">
        <Select label={t("collections.choose")} value={id} onChange={(e) => setChosen(e.target.value)}>
          {items.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </Select>
        <Button type="submit" busy={add.isPending}>
          {t("collections.add")}
        </Button>
      </div>
      <ErrorBanner error={add.error} />
    </form>
  );
}
