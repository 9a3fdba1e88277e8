package dev.amlite.store;

import dev.amlite.core.ResourceId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The key arithmetic and document markers of rows kept below an anchor (see {@code V6__anchors.sql}): which
 * resources are relocatable, which key lies below one, and how a document below one names it. Inside such a
 * document every reference to the resource in one of its forms keeps its text except the subscription and group,
 * which become {@link #SUBSCRIPTION} and {@link #GROUP}; reading puts the anchor's current ones back. Jackson
 * escapes control characters inside JSON strings, so these two never occur in a stored document otherwise.
 */
final class Anchoring {
    static final char SUBSCRIPTION = '\u0001';
    static final char GROUP = '\u0002';
    private static final String ARM_FORM = "/subscriptions/{subscription}/resourceGroups/{group}/providers/{type}/{name}";

    private final Map<String, Relocatable> byType;

    Anchoring(List<Relocatable> relocatable) {
        this.byType = relocatable.stream().collect(Collectors.toUnmodifiableMap(Relocatable::typeKey, Function.identity()));
    }

    boolean isEmpty() {
        return byType.isEmpty();
    }

    List<String> typeKeys() {
        return List.copyOf(byType.keySet());
    }

    /** The key (or id) of the relocatable resource strictly above {@code key}, or null when there is none. */
    String topAbove(String key) {
        String[] parts = key.split("/", 10);
        return parts.length == 10 && isRelocatable(parts) ? key.substring(0, key.length() - parts[9].length() - 1) : null;
    }

    /** True when {@code key} is a relocatable resource itself. */
    boolean isTop(String key) {
        String[] parts = key.split("/", 10);
        return parts.length == 9 && isRelocatable(parts);
    }

    private boolean isRelocatable(String[] parts) {
        return parts[0].isEmpty() && parts[1].equalsIgnoreCase("subscriptions") && parts[3].equalsIgnoreCase("resourcegroups")
                && parts[5].equalsIgnoreCase("providers")
                && byType.containsKey((parts[6] + "/" + parts[7]).toLowerCase(Locale.ROOT));
    }

    /** {@code json}, a document below {@code top}, with the subscription and group of each reference to top marked. */
    String marked(String json, ResourceId top) {
        String result = json;
        for (Pattern pattern : patterns(top)) {
            Matcher matcher = pattern.matcher(result);
            if (matcher.find()) {
                result = matcher.replaceAll("$1" + SUBSCRIPTION + "$3" + GROUP + "$5");
            }
        }
        return result;
    }

    /** A stored document below the resource now at {@code top}, as it reads. */
    static String rendered(String stored, ResourceId top) {
        if (stored.indexOf(SUBSCRIPTION) < 0 && stored.indexOf(GROUP) < 0) {
            return stored;
        }
        return stored.replace(String.valueOf(SUBSCRIPTION), top.subscriptionId()).replace(String.valueOf(GROUP), top.resourceGroup());
    }

    /** Each form of {@code top} as written with its own subscription and group (what rows from before V6 hold). */
    List<String> literalForms(ResourceId top) {
        return forms(top).stream().map(form -> fill(form, top, top.subscriptionId(), top.resourceGroup())).toList();
    }

    /** The same forms with the subscription and group marked. */
    List<String> markedForms(ResourceId top) {
        return forms(top).stream().map(form -> fill(form, top, String.valueOf(SUBSCRIPTION), String.valueOf(GROUP))).toList();
    }

    private List<String> forms(ResourceId top) {
        List<String> forms = new ArrayList<>();
        forms.add(ARM_FORM.replace("{type}", top.type()));
        forms.addAll(byType.get(top.typeKey()).forms());
        return forms;
    }

    private static String fill(String form, ResourceId top, String subscription, String group) {
        return Relocatable.fill(form, subscription, group, top.name());
    }

    /** (text before)(subscription)(text between)(group)(text after, the name included), then a reference's end. */
    private List<Pattern> patterns(ResourceId top) {
        List<Pattern> patterns = new ArrayList<>();
        for (String form : forms(top)) {
            String named = form.replace("{name}", top.name());
            int s = named.indexOf("{subscription}");
            int g = named.indexOf("{group}");
            // The subscription and group only as the resource spells them: a reference spelled otherwise stays text
            // as written (what a move then rewrites), so nothing reads back other than it was written.
            String regex = "(" + Pattern.quote(named.substring(0, s)) + ")((?-i:" + Pattern.quote(top.subscriptionId()) + "))("
                    + Pattern.quote(named.substring(s + "{subscription}".length(), g)) + ")((?-i:"
                    + Pattern.quote(top.resourceGroup()) + "))(" + Pattern.quote(named.substring(g + "{group}".length()))
                    + ")(?=[/\"?])";
            patterns.add(Pattern.compile(regex, Pattern.CASE_INSENSITIVE));
        }
        return patterns;
    }
}
