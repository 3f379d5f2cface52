package dev.balancekit.examples.springchat;

import dev.balancekit.BalanceLedger;
import dev.balancekit.springai.BalanceAdvisor;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The chat service: the starter configures the ledger (from {@code balancekit.*} in
 * {@code application.yaml}); this wires Spring AI's {@code ChatClient} with the ledger's advisor on
 * the stand-in model. With a real provider, replace {@link DemoChatModel} with its {@code ChatModel}
 * bean; nothing else changes.
 */
@SpringBootApplication
@EnableConfigurationProperties(DemoProperties.class)
public class SpringChatApplication {

    /** Creates the application. */
    public SpringChatApplication() {}

    /**
     * Starts the service.
     *
     * @param args Spring Boot arguments, such as {@code --server.port=9090}
     */
    public static void main(String[] args) {
        SpringApplication.run(SpringChatApplication.class, args);
    }

    /**
     * The stand-in model.
     *
     * @param demo the demo settings
     * @return the model
     */
    @Bean
    public DemoChatModel demoChatModel(DemoProperties demo) {
        return new DemoChatModel(demo.getTokenDelay());
    }

    /**
     * The advisor that meters every call of the chat client.
     *
     * @param ledger the starter's ledger
     * @return the advisor
     */
    @Bean
    public BalanceAdvisor balanceAdvisor(BalanceLedger ledger) {
        return BalanceAdvisor.builder(ledger)
                .defaultModel("gpt-4o-mini")
                .defaultMaxTokens(64)
                .build();
    }

    /**
     * The chat client, metered.
     *
     * @param model the model
     * @param balanceAdvisor the advisor
     * @return the client
     */
    @Bean
    public ChatClient chatClient(DemoChatModel model, BalanceAdvisor balanceAdvisor) {
        return ChatClient.builder(model).defaultAdvisors(balanceAdvisor).build();
    }
}
