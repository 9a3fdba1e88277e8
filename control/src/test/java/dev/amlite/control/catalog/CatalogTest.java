package dev.amlite.control.catalog;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

class CatalogTest {
    private final Catalog catalog = Catalog.standard();

    @Test
    void theRegionsAzureDocsUseMostAreInTheCatalogByNameOrDisplayName() {
        for (String region : new String[] {"eastus", "West US", "westus2", "West US 3", "centralus", "uksouth",
                "westeurope", "japaneast", "australiaeast"}) {
            assertThat(catalog.region(region)).as(region).isPresent();
        }
        assertThat(catalog.region("West US").orElseThrow().regionalDisplayName()).isEqualTo("(US) West US");
        assertThat(catalog.region("mars")).isEmpty();
    }

    @Test
    void regionsAreNamedOnceAndTheUsualSizesAreOfferedInEachOne() {
        Set<String> names = new HashSet<>();
        for (Region region : catalog.regions()) {
            assertThat(names.add(region.name())).as("named once: " + region.name()).isTrue();
            assertThat(region.priceFactor()).isBetween(0.9, 1.6);
            assertThat(catalog.vmSize("Standard_DS3_v2").orElseThrow().offeredIn(region.name()))
                    .as("Standard_DS3_v2 in " + region.name()).isTrue();
        }
        assertThat(names).hasSizeGreaterThanOrEqualTo(8);
    }
}
