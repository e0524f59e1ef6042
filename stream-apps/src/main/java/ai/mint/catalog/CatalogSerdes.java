package ai.mint.catalog;

import ai.mint.events.CatalogEntry;
import ai.mint.events.CatalogRevision;
import ai.mint.events.DeadLetter;
import ai.mint.events.EvalResult;
import ai.mint.events.ExportResult;
import ai.mint.events.PointerMoved;
import ai.mint.events.PolicySpec;
import ai.mint.events.RevisionRetired;
import ai.mint.events.RollbackRequest;
import ai.mint.events.RollbackResult;
import ai.mint.events.ServeRequest;
import ai.mint.events.ServeResult;
import ai.mint.events.UpdateResult;
import ai.mint.registry.SchemaRegistryClient;
import ai.mint.serde.AvroSerdes;
import org.apache.kafka.common.serialization.Serde;

/**
 * The value serdes of every topic and store the catalog app touches: Avro in the Confluent wire format against one
 * schema registry. Keys are policy ids as UTF-8 strings everywhere.
 */
public record CatalogSerdes(
        Serde<PolicySpec> policySpec,
        Serde<UpdateResult> updateResult,
        Serde<ExportResult> exportResult,
        Serde<EvalResult> evalResult,
        Serde<ServeRequest> serveRequest,
        Serde<RollbackRequest> rollbackRequest,
        Serde<CatalogEntry> catalogEntry,
        Serde<CatalogRevision> catalogRevision,
        Serde<PointerMoved> pointerMoved,
        Serde<RevisionRetired> revisionRetired,
        Serde<ServeResult> serveResult,
        Serde<RollbackResult> rollbackResult,
        Serde<DeadLetter> deadLetter) {

    /** Serdes that register and look up schemas in this registry. */
    public static CatalogSerdes using(SchemaRegistryClient registry) {
        return new CatalogSerdes(
                AvroSerdes.specific(PolicySpec.class, registry),
                AvroSerdes.specific(UpdateResult.class, registry),
                AvroSerdes.specific(ExportResult.class, registry),
                AvroSerdes.specific(EvalResult.class, registry),
                AvroSerdes.specific(ServeRequest.class, registry),
                AvroSerdes.specific(RollbackRequest.class, registry),
                AvroSerdes.specific(CatalogEntry.class, registry),
                AvroSerdes.specific(CatalogRevision.class, registry),
                AvroSerdes.specific(PointerMoved.class, registry),
                AvroSerdes.specific(RevisionRetired.class, registry),
                AvroSerdes.specific(ServeResult.class, registry),
                AvroSerdes.specific(RollbackResult.class, registry),
                AvroSerdes.specific(DeadLetter.class, registry));
    }
}
