package org.openautoglm.notify;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The results of sending one notification to every webhook.
 *
 * @param event what was sent
 * @param deliveries one result per webhook, in the configured order
 */
public record NotificationReport(NotificationEvent event, List<DeliveryResult> deliveries) {
  public NotificationReport {
    deliveries = List.copyOf(deliveries);
  }

  public boolean allDelivered() {
    return deliveries.stream().allMatch(DeliveryResult::delivered);
  }

  /** One line for a log: {@code promoted: delivered to 1 of 2 webhooks; not delivered to …}. */
  public String summary() {
    long delivered = deliveries.stream().filter(DeliveryResult::delivered).count();
    String failures =
        deliveries.stream()
            .filter(d -> !d.delivered())
            .map(DeliveryResult::message)
            .collect(Collectors.joining("; "));
    return event.key()
        + ": delivered to "
        + delivered
        + " of "
        + deliveries.size()
        + (deliveries.size() == 1 ? " webhook" : " webhooks")
        + (failures.isEmpty() ? "" : "; " + failures);
  }
}
