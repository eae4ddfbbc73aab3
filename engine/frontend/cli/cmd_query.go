package cli

import (
	"fmt"

	"github.com/leastpriv/policysentry/engine/query"
	"github.com/spf13/cobra"
)

func init() { register("query", newQueryCmd) }

func newQueryCmd(app *App) *Command {
	cmd := &cobra.Command{
		Use:         "query",
		Short:       "Allow users to query the IAM tables from command line",
		Long:        "Allow users to query the IAM tables from command line",
		Annotations: map[string]string{annCompat: "true"},
		Args:        cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprint(app.Stdout, app.helpText(cmd))
			return nil
		},
	}
	cmd.AddCommand(newActionTableCmd(app), newARNTableCmd(app), newConditionTableCmd(app), newServiceTableCmd(app))
	return cmd
}

const fmtHelp = `Format output as YAML or JSON. Defaults to "json"`

func newActionTableCmd(app *App) *Command {
	var o query.ActionTableOptions
	var format string
	cmd := &cobra.Command{
		Use:   "action-table",
		Short: "Query the action table based on access levels, conditions, or actions that only support wildcard resources.",
		Long:  "Query the Action Table from the Policy Sentry database",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			db, err := app.DB()
			if err != nil {
				return err
			}
			o.HasName = cmd.Flags().Changed("name")
			res, err := query.ActionTable(db, o)
			if err != nil {
				return err
			}
			return res.Write(app.Stdout, format)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.Service, "service", "s", "", "Filter according to AWS service.")
	f.StringVarP(&o.Name, "name", "n", "", `The name of IAM Action. For example, if the action is "iam:ListUsers", supply "ListUsers" here.`)
	f.StringVarP(&o.AccessLevel, "access-level", "a", "", "Filter according to CRUD levels. Acceptable values are read, write, list, tagging, permissions-management")
	f.StringVarP(&o.Condition, "condition", "c", "", "Supply a condition key to show a list of all IAM actions that support the condition key.")
	f.StringVarP(&o.ResourceType, "resource-type", "r", "", "Supply a resource type to show a list of all IAM actions that support the resource type.")
	addFmt(cmd, &format, fmtHelp, "json", "yaml", "json")
	addVerbose(cmd)
	addFlagMeta(f, "service", "", nil, true)
	addFlagMeta(f, "access-level", "", []string{"read", "write", "list", "tagging", "permissions-management"}, false)
	return cmd
}

func newARNTableCmd(app *App) *Command {
	var svc, name, format string
	var list bool
	cmd := &cobra.Command{
		Use:   "arn-table",
		Short: "Query the ARN table to show RAW ARNs, like `aws:s3:::bucket/object`. Use --list-arn-types ARN types, like `object`.",
		Long:  "Query the ARN Table from the Policy Sentry database",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			db, err := app.DB()
			if err != nil {
				return err
			}
			res, err := query.ARNTable(db, svc, name, cmd.Flags().Changed("name"), list)
			if err != nil {
				return err
			}
			return res.Write(app.Stdout, format)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&svc, "service", "s", "", "Filter according to AWS service.")
	f.StringVarP(&name, "name", "n", "", "The short name of the resource ARN type. For example, `bucket` under service `s3`.")
	f.BoolVarP(&list, "list-arn-types", "l", false, "Show the short names of ARN Types. If empty, this will show RAW ARNs only.")
	addFmt(cmd, &format, fmtHelp, "json", "yaml", "json")
	addVerbose(cmd)
	addFlagMeta(f, "service", "", nil, true)
	return cmd
}

func newConditionTableCmd(app *App) *Command {
	var svc, name, format string
	cmd := &cobra.Command{
		Use:   "condition-table",
		Short: "Query the condition table.",
		Long:  "Query the condition table from the Policy Sentry database",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			db, err := app.DB()
			if err != nil {
				return err
			}
			res, err := query.ConditionTable(db, svc, name, cmd.Flags().Changed("name"))
			if err != nil {
				return err
			}
			return res.Write(app.Stdout, format)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&name, "name", "n", "", "Get details on a specific condition key. Leave this blank to get a list of all condition keys available to the service.")
	f.StringVarP(&svc, "service", "s", "", "Filter according to AWS service.")
	addFmt(cmd, &format, fmtHelp, "json", "yaml", "json")
	addVerbose(cmd)
	addFlagMeta(f, "service", "", nil, true)
	return cmd
}

func newServiceTableCmd(app *App) *Command {
	var format string
	cmd := &cobra.Command{
		Use:   "service-table",
		Short: "Query the service table.",
		Long:  "Query the service table from the Policy Sentry database",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			db, err := app.DB()
			if err != nil {
				return err
			}
			return query.ServiceTable(db).Write(app.Stdout, format)
		},
	}
	addFmt(cmd, &format, `Format output as YAML, JSON or CSV. Defaults to "json"`, "json", "yaml", "json", "csv")
	addVerbose(cmd)
	return cmd
}
