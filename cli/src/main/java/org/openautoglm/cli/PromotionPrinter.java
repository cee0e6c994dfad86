package org.openautoglm.cli;

import java.io.PrintWriter;
import org.openautoglm.promotion.PromotionResult;

/** Prints a promotion result as one line and returns its exit code. */
final class PromotionPrinter {
  private PromotionPrinter() {}

  static int print(PromotionResult result, PrintWriter out) {
    String label =
        switch (result.outcome()) {
          case DONE -> "done";
          case FAILED -> "failed";
          case DENIED -> "denied";
          case CONFLICT -> "conflict";
          case WAITING_FOR_APPROVAL -> "waiting for approval";
        };
    out.println(label + ": " + result.message());
    if (result.requestId() != null
        && result.outcome() == org.openautoglm.promotion.PromotionOutcome.WAITING_FOR_APPROVAL) {
      out.println(
          "request "
              + result.requestId()
              + ": an approver runs autoglm approve --env "
              + result.state().environment()
              + " --request "
              + result.requestId());
    }
    out.flush();
    return result.outcome().exitCode();
  }
}
